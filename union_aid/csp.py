"""The Content-Security-Policy header: the pages load scripts, styles, images and fonts from this
site only, and nothing inline (every script and style is a static file), so a name or address
typed as ``<script>`` into a dossier can do nothing even where an escape were forgotten.
Django 5.2 has no CSP of its own (6.0 will), hence this one header."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
