"""Forms of the reminder settings, the delivery log filter and residents' subscriptions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Delivery, NotificationPreference, Subscription
from core.validators import parse_lead_days
from councils.forms import PortalFormMixin


class NotificationPreferenceForm(PortalFormMixin, forms.ModelForm):
    submit_label = _("Save reminder settings")

    class Meta:
        model = NotificationPreference
        fields = ["channel", "meeting_reminder_days"]
        labels = {
            "channel": _("How do you want your reminders?"),
            "meeting_reminder_days": _("Meeting reminders, days before the meeting"),
        }
        help_texts = {
            "channel": _("The daily digest gathers the day's reminders into one e-mail."),
            "meeting_reminder_days": _(
                "Leave empty to follow your municipality's choice. Comma-separated, e.g. 3,0 (0 = on the day)."
            ),
        }
        widgets = {"channel": forms.RadioSelect}

    def clean_meeting_reminder_days(self):
        value = self.cleaned_data["meeting_reminder_days"]
        try:
            return ",".join(str(day) for day in parse_lead_days(value))
        except ValueError:
            return value  # the model field's validator reports it in plain words


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Delivery.Status.choices]
        self.fields["kind"].choices = [("", _("All")), *sorted(kinds.items(), key=lambda item: str(item[1]))]


class TopicsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Send me an e-mail when the municipality publishes"))
        kwargs.setdefault("error_messages", {"required": _("Choose at least one thing to get e-mail about.")})
        super().__init__(choices=Subscription.Topic.choices, **kwargs)


class SubscriptionForm(PortalFormMixin, forms.Form):
    submit_label = _("Subscribe")

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Write your e-mail address.")},
    )
    topics = TopicsField(initial=Subscription.Topic.values)


class SubscriptionTopicsForm(PortalFormMixin, forms.Form):
    topics = TopicsField()

    def __init__(self, *args, submit_label, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
