"""Account-name matching that survives accents, case, spacing and legal forms."""

import re
import unicodedata

# Legal-form suffixes, already stripped of dots and spaces, longest first
# so that "slu" is removed whole rather than leaving a "u".
LEGAL_FORMS = (
    "sociedadlimitada",
    "sociedadanonima",
    "corporation",
    "scoop",
    "slne",
    "sccl",
    "sllp",
    "slu",
    "sau",
    "sal",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "plc",
    "sas",
    "srl",
    "spa",
    "cb",
    "sc",
    "sl",
    "sa",
    "ag",
    "bv",
    "nv",
    "co",
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize_account_name(name: str) -> str:
    """Return the key two names share when they denote the same account.

    Lower-cases, drops accents, punctuation and white space, and removes one
    trailing legal form written as its own word ("S.L.", "SL", "S. A.",
    "Inc."). A name that is nothing but a legal form keeps it.
    """
    words = _NON_ALNUM.sub(" ", strip_accents(name).lower()).split()
    for size in (3, 2, 1):
        if len(words) > size and "".join(words[-size:]) in LEGAL_FORMS:
            words = words[:-size]
            break
    return "".join(words)
