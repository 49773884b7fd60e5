from core.pdf import render_pdf
from pledges import selectors
from pledges.models import FollowUpRevision


def follow_up_context(revision: FollowUpRevision) -> dict:
    follow_up = revision.follow_up
    pledge = follow_up.pledge
    return {
        "revision": revision,
        "follow_up": follow_up,
        "pledge": pledge,
        "municipalities": list(pledge.municipalities.all()),
        "period": follow_up.period,
        "focus_areas": selectors.revision_focus_areas(revision),
        "history": selectors.revision_history(revision=revision),
    }


def follow_up_pdf(revision: FollowUpRevision) -> bytes:
    return render_pdf("pledges/follow_up_pdf.html", follow_up_context(revision))
