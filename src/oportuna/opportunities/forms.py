from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from oportuna.catalog.models import (
    ActionType,
    Department,
    Importance,
    LostReason,
    Nature,
    Probability,
    Product,
    PurchaseWindow,
    Size,
    Source,
)

from .models import FollowUpAction, Opportunity
from .phases import MANUAL_PHASES
from .services.documents import validate_upload


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [
            super(MultipleFileField, self).clean(item, initial) for item in files
        ]
        for upload in cleaned:
            try:
                validate_upload(upload)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return cleaned


def active(model):
    return model.objects.active()


class BootstrapFormMixin:
    """Give every widget the Bootstrap class its type needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")


class RegistrationForm(BootstrapFormMixin, forms.ModelForm):
    # Set by the browser when a suggested account is chosen; anything that is
    # not an account id means "no choice" and the typed name is matched.
    account = forms.CharField(required=False, widget=forms.HiddenInput)
    account_name = forms.CharField(
        label=_("Account"),
        max_length=200,
        help_text=_(
            "Start typing: existing clients and prospects are offered as you type."
        ),
    )
    account_nature = forms.ModelChoiceField(
        label=_("Nature of the account"), queryset=active(Nature), required=False
    )
    account_tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)
    account_email = forms.EmailField(label=_("Account email"), required=False)
    account_phone = forms.CharField(
        label=_("Account phone"), max_length=40, required=False
    )
    account_city = forms.CharField(label=_("City"), max_length=100, required=False)
    account_country = forms.CharField(
        label=_("Country"), max_length=100, required=False
    )
    contact_names = forms.CharField(
        label=_("Contact persons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line."),
    )
    documents = MultipleFileField(label=_("Attached documents"), required=False)
    # A site typed without a scheme is taken as https, the Django 6 default.
    website = forms.URLField(
        label=_("Web site"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "source",
            "importance",
            "size",
            "purchase_window",
            "probability",
            "departments",
            "description",
            "line_of_business",
            "website",
            "other_data",
            "budget",
            "currency",
        ]
        widgets = {
            "departments": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "other_data": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = active(Source)
        self.fields["importance"].queryset = active(Importance)
        self.fields["size"].queryset = active(Size)
        self.fields["purchase_window"].queryset = active(PurchaseWindow)
        self.fields["probability"].queryset = active(Probability)
        self.fields["departments"].queryset = active(Department)
        for name in ("source", "importance", "size", "purchase_window", "probability"):
            self.fields[name].required = True

    def clean_account(self):
        value = self.cleaned_data["account"].strip()
        return int(value) if value.isdigit() else None

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean_contact_names(self):
        return [
            line.strip()
            for line in self.cleaned_data["contact_names"].splitlines()
            if line.strip()
        ]

    def account_fields(self):
        data = self.cleaned_data
        return {
            "nature": data["account_nature"],
            "tax_id": data["account_tax_id"],
            "email": data["account_email"],
            "phone": data["account_phone"],
            "city": data["account_city"],
            "country": data["account_country"],
            "line_of_business": data["line_of_business"],
            "website": data["website"],
        }


class RequestedProductForm(BootstrapFormMixin, forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product or service"), queryset=Product.objects.none(), required=False
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=0.01,
        max_digits=12,
        decimal_places=2,
        initial=1,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = active(Product)

    def clean(self):
        data = super().clean()
        if (
            data.get("product")
            and not data.get("quantity")
            and "quantity" not in self.errors
        ):
            self.add_error("quantity", _("Enter how many are requested."))
        return data


RequestedProductFormSet = formset_factory(
    RequestedProductForm, extra=3, max_num=50, absolute_max=50, validate_max=True
)


class ActionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = [
            "action_type",
            "subject",
            "state",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "cost",
            "notes",
        ]
        widgets = {
            "planned_start": DateTimeLocalInput,
            "planned_end": DateTimeLocalInput,
            "actual_start": DateTimeLocalInput,
            "actual_end": DateTimeLocalInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An action logged after the fact may give only its actual dates.
        self.fields["planned_start"].required = False
        queryset = ActionType.objects.active()
        if self.instance.pk:
            queryset = (
                ActionType.objects.filter(pk=self.instance.action_type_id) | queryset
            )
        self.fields["action_type"].queryset = queryset.distinct()


class PhaseForm(BootstrapFormMixin, forms.Form):
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        coerce=int,
        choices=[(phase.value, phase.label) for phase in MANUAL_PHASES],
    )


class WonForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Order amount"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_(
            "Leave empty to use the requested products at their catalogue prices."
        ),
    )


class LostForm(BootstrapFormMixin, forms.Form):
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=LostReason.objects.none()
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].queryset = active(LostReason)


class DocumentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class AssignForm(forms.Form):
    """The coordinator's choice: "user:<id>" or "partner:<id>"."""

    owner = forms.CharField(label=_("Owner"))

    def __init__(self, *args, salespeople, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.salespeople = {str(user.pk): user for user in salespeople}
        self.partners = {str(firm.pk): firm for firm in partners}

    def clean_owner(self):
        kind, _sep, key = self.cleaned_data["owner"].partition(":")
        if kind == "user" and key in self.salespeople:
            return {"salesperson": self.salespeople[key]}
        if kind == "partner" and key in self.partners:
            return {"partner": self.partners[key]}
        raise forms.ValidationError(
            _("Choose a salesperson or a partner firm from the list."),
            code="invalid_owner",
        )
