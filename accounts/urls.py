from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("losenord/klart/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("aterstall/", views.PasswordResetView.as_view(), name="password_reset"),
    path("aterstall/skickat/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("aterstall/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("aterstall/klart/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("inbjudan/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("tvastegsverifiering/", views.TwoFactorView.as_view(), name="two_factor"),
    path("tvastegsverifiering/aktivera/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("tvastegsverifiering/verifiera/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("tvastegsverifiering/reservkoder/", views.TwoFactorBackupCodesView.as_view(), name="two_factor_backup_codes"),
    path("tvastegsverifiering/stang-av/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
]
