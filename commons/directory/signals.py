"""Keep the search index honest: any write to the directory's tables tells it which
organisation changed.

Services need not remember to do it, and neither do the admin or a data migration.
Bulk operations that skip signals (``bulk_create``, ``QuerySet.update``) are followed
by a model ``save()`` in the services, or call ``directory_changed(pks)`` themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commons.accounts.models import Organisation
from commons.directory.facet_index import directory_changed
from commons.directory.models import NetworkLink, Presence, Profile, Term


@receiver(post_save, sender=Organisation, dispatch_uid="directory_index_organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="directory_index_organisation_deleted")
@receiver(post_save, sender=Profile, dispatch_uid="directory_index_profile_saved")
@receiver(post_delete, sender=Profile, dispatch_uid="directory_index_profile_deleted")
@receiver(post_save, sender=Term, dispatch_uid="directory_index_term_saved")
@receiver(post_delete, sender=Term, dispatch_uid="directory_index_term_deleted")
@receiver(post_save, sender=Presence, dispatch_uid="directory_index_presence_saved")
@receiver(post_delete, sender=Presence, dispatch_uid="directory_index_presence_deleted")
@receiver(post_save, sender=NetworkLink, dispatch_uid="directory_index_network_saved")
@receiver(post_delete, sender=NetworkLink, dispatch_uid="directory_index_network_deleted")
def mark_index_stale(sender, instance, **kwargs):
    directory_changed([_organisation_of(instance)])


def _organisation_of(instance) -> int:
    if isinstance(instance, Organisation):
        return instance.pk
    if isinstance(instance, NetworkLink):
        return instance.member_id
    return instance.organisation_id
