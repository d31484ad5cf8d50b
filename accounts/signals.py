"""Cache invalidation for data that changes rarely and is read on every page."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_scopes import scope

from accounts.models import Account, Membership
from accounts.selectors import account_menu_forget, account_security_forget


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    account_menu_forget(user_id=instance.user_id)


@receiver(post_save, sender=Account)
def _account_renamed(sender: type[Account], instance: Account, **kwargs: Any) -> None:
    with scope(account=instance):
        user_ids = list(
            Membership.objects.filter(account=instance).values_list("user_id", flat=True)
        )
    for user_id in user_ids:
        account_menu_forget(user_id=user_id)


@receiver(post_save, sender=Account)
def _account_security_changed(sender: type[Account], instance: Account, **kwargs: Any) -> None:
    account_security_forget(account_id=instance.pk)
