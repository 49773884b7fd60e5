from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from accounts import security, two_factor
from accounts.forms import EmailAuthenticationForm, OneTimeCodeForm, PasswordConfirmForm

# The backup codes just made, kept in the session until the page that shows them once.
NEW_BACKUP_CODES = "accounts_new_backup_codes"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers instead of the login page once the account or the address is locked out."""
    context = {"until": security.lockout_ends_at(request, credentials)}
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the mailed link also lifts a lockout of the account: the way back in."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username().lower())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class InvitationAcceptView(PasswordResetConfirmView):
    """An invited user chooses a password through the one-time link in the invitation, then is signed in."""

    template_name = "accounts/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("councils:staff-home")
    reset_url_token = "valj-losenord"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _next_url(request) -> str:
    """Where to go once the second factor is given: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(view_name, next_url) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """Two-factor sign-in on the account: whether it is on, backup codes left, and the ways to change it."""

    template_name = "accounts/two_factor/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            authenticator=two_factor.authenticator(user),
            required=two_factor.is_required(user),
            backup_codes_left=two_factor.backup_codes_left(user),
        )


class TwoFactorFormMixin(LoginRequiredMixin):
    form_class = OneTimeCodeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, next=_next_url(self.request))


class TwoFactorSetupView(TwoFactorFormMixin, FormView):
    """Step 1: scan the QR code (or type the secret) into an app; step 2: prove it works with a code."""

    template_name = "accounts/two_factor/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if two_factor.authenticator(request.user) is not None:
                return redirect("accounts:two_factor")
            self.device = two_factor.pending_authenticator(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            qr_code=two_factor.qr_code_data_uri(self.device),
            secret=two_factor.secret_for_typing(self.device),
            required=two_factor.is_required(self.request.user),
        )

    def form_valid(self, form):
        codes = two_factor.authenticator_confirm(device=form.device)
        otp_login(self.request, form.device)
        self.request.session[NEW_BACKUP_CODES] = codes
        messages.success(self.request, _("Two-factor sign-in is on."))
        return redirect(_with_next("accounts:two_factor_backup_codes", _next_url(self.request)))


class TwoFactorVerifyView(TwoFactorFormMixin, FormView):
    """The second step of signing in: a code from the app, or a backup code."""

    template_name = "accounts/two_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(_next_url(request))
            if two_factor.authenticator(request.user) is None:
                return redirect("accounts:two_factor_setup")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        otp_login(self.request, form.device)
        return redirect(_next_url(self.request))


class TwoFactorBackupCodesView(LoginRequiredMixin, View):
    """Shows new backup codes once (GET, right after they were made); POST replaces them with new ones."""

    def get(self, request):
        codes = request.session.pop(NEW_BACKUP_CODES, None)
        if not codes:
            return redirect("accounts:two_factor")
        return render(request, "accounts/two_factor/backup_codes.html", {"codes": codes, "next": _next_url(request)})

    def post(self, request):
        if two_factor.authenticator(request.user) is None:
            return redirect("accounts:two_factor")
        request.session[NEW_BACKUP_CODES] = two_factor.backup_codes_renew(user=request.user)
        return redirect(_with_next("accounts:two_factor_backup_codes", reverse("accounts:two_factor")))


class TwoFactorDisableView(LoginRequiredMixin, FormView):
    """Turning two-factor sign-in off, with the password; refused where the person's role requires it."""

    template_name = "accounts/two_factor/disable.html"
    form_class = PasswordConfirmForm
    success_url = reverse_lazy("accounts:two_factor")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if two_factor.is_required(request.user):
                raise PermissionDenied(_("Your role requires two-factor sign-in, so it cannot be turned off."))
            if two_factor.authenticator(request.user) is None:
                return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        two_factor.two_factor_disable(user=self.request.user)
        messages.success(self.request, _("Two-factor sign-in is off. You sign in with your password only."))
        return super().form_valid(form)
