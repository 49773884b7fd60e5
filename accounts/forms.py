from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.models import User


class UserCreationForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail address or password. Note that the password is case-sensitive."),
        "inactive": _("This account is inactive."),
    }


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app (or, where `device` is None, a backup code), checked against `user`."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_code(self):
        code = two_factor.normalise_code(self.cleaned_data["code"])
        self.device = self.device or two_factor.device_for_code(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                _("Enter the six digits your authenticator app shows, or one of your backup codes."),
                code="no_device",
            )
        two_factor.check_code(self.device, code)
        return code


class PasswordConfirmForm(forms.Form):
    """Asks for the password again before a change that weakens the account's protection."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."), code="wrong_password")
        return password
