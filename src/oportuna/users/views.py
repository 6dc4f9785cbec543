from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import PreferencesForm


@login_required
def preferences(request):
    """Let each user set their own name, email, language and time zone."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your preferences were saved."))
        return redirect("preferences")
    return render(request, "users/preferences.html", {"form": form})
