"""Keep the search index honest: any write to the directory's tables marks it stale.

Services need not remember to do it, and neither do the admin or a data migration.
Bulk operations that skip signals (``bulk_create``, ``QuerySet.update``) are followed
by a model ``save()`` in the services, or call ``directory_changed()`` themselves.
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
def mark_index_stale(sender, **kwargs):
    directory_changed()
