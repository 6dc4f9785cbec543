import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User

LEGACY_REGIONS = {"Brazil", "Canada", "Chile", "Etc", "Mexico", "SystemV", "US"}


def time_zone_choices():
    """Return the IANA time zones grouped by region, for a select's optgroups."""
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _slash, place = name.partition("/")
        # Legacy aliases ("US/Eastern", "Etc/GMT+1") go last, under Other.
        if not place or region in LEGACY_REGIONS:
            region = "Other"
        regions.setdefault(region, []).append((name, name.replace("_", " ")))
    return sorted(regions.items())


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)
