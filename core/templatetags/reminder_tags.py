"""Template tags for pages that are not the reminder engine's own: the staff dashboard and the council page."""

from django import template

from core.models import Delivery

register = template.Library()


@register.simple_tag
def failed_delivery_count(municipality) -> int:
    """How many of the municipality's deliveries have failed for good (one query)."""
    return Delivery.objects.filter(municipality=municipality, status=Delivery.Status.FAILED).count()


@register.simple_tag
def council_calendar_feed(council):
    """The council's active calendar feed, or None (one query)."""
    from councils.calendar_feeds import active_feed

    return active_feed(council=council)


@register.filter
def feed_address(feed) -> str:
    from councils.calendar_feeds import feed_address

    return feed_address(feed)


@register.filter
def webcal_address(feed) -> str:
    from councils.calendar_feeds import webcal_address

    return webcal_address(feed)
