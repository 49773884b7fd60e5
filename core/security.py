"""Security headers Django does not set by itself.

Django sets HSTS, X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy (SecurityMiddleware) and
X-Frame-Options; django-csp sets the Content-Security-Policy from settings.CONTENT_SECURITY_POLICY. Here: the
map tile host that policy must allow, and the Permissions-Policy header, for which Django has no setting.
"""

from urllib.parse import urlsplit

from django.conf import settings


def map_tile_sources(tile_url: str) -> list[str]:
    """The origin the analysis map fetches tiles from, as Content-Security-Policy sources (none without tiles).

    A Leaflet template such as `https://{s}.tiles.example/{z}/{x}/{y}.png` spreads requests over subdomains,
    so its `{s}` becomes the wildcard `*`.
    """
    if not tile_url:
        return []
    parts = urlsplit(tile_url)
    return [f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"]


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "geolocation": ["self"]}` as `camera=(), geolocation=(self)`.

    `self` and `*` are keywords; any other allowed origin is a quoted string in the header's syntax.
    """

    def allowlist(origins):
        return " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allowlist(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy built from settings.PERMISSIONS_POLICY to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
