from .matching import normalize_account_name
from .models import Account, AccountKind, Contact


def find_matching_account(name, *, tax_id=""):
    """Return the account a new registration refers to, or None.

    A tax id that matches wins over the name; otherwise the names must be
    equal once accents, case, spacing and legal forms are ignored.
    """
    if tax_id:
        account = Account.objects.filter(tax_id__iexact=tax_id.strip()).first()
        if account is not None:
            return account
    key = normalize_account_name(name)
    if not key:
        return None
    return Account.objects.filter(match_key=key).order_by("pk").first()


def get_or_create_account(name, **fields):
    """Return (account, created); a new account starts as a prospect."""
    account = find_matching_account(name, tax_id=fields.get("tax_id", ""))
    if account is not None:
        return account, False
    account = Account.objects.create(
        name=name.strip(), kind=AccountKind.PROSPECT, **fields
    )
    return account, True


def get_or_create_contacts(account, names):
    contacts = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        contact = account.contacts.filter(name__iexact=name).first()
        if contact is None:
            contact = Contact.objects.create(account=account, name=name)
        contacts.append(contact)
    return contacts


def make_client(account):
    """Turn a prospect into a client; called when one of its opportunities is won."""
    if account.kind != AccountKind.CLIENT:
        account.kind = AccountKind.CLIENT
        account.save(update_fields=["kind"])
