from django.contrib.auth import views as auth_views
from django.urls import include, path

from waypoint.web import account, signin, tokens, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", signin.login, name="login"),
    path("login/code/", signin.login_code, name="login-code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password-change"),
    path("account/two-factor/", account.two_factor, name="two-factor"),
    path(
        "account/two-factor/recovery-codes/",
        account.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("account/two-factor/remove/", account.remove_two_factor, name="two-factor-remove"),
    path("account/sessions/end/", account.end_sessions, name="end-sessions"),
    path("account/tokens/", tokens.api_tokens, name="api-tokens"),
    path(
        "account/tokens/<uuid:token_id>/revoke/",
        tokens.revoke_api_token,
        name="api-token-revoke",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
]
