from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "commons.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")
    navigation = [
        (90, _("My account"), "accounts:dashboard", "signed_in"),
    ]
