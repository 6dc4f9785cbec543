import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Apply the signed-in user's language and time zone to the request.

    Runs after AuthenticationMiddleware. LocaleMiddleware has already picked
    a language from the session or the browser; a signed-in user's own
    setting wins over both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response
