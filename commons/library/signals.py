"""Keep the search index honest: any write to a work, one of its versions or its
publisher tells the index which work changed (``search.library_changed``).

Services need not remember to do it, and neither do the admin or a data migration.
Bulk operations that skip signals (``bulk_create``, ``QuerySet.update``) call
``library_changed(pks)`` themselves.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from commons.accounts.models import Organisation
from commons.library.models import Resource, Work
from commons.library.search import library_changed


@receiver(post_save, sender=Work, dispatch_uid="library_index_work_saved")
@receiver(post_delete, sender=Work, dispatch_uid="library_index_work_deleted")
def work_changed(sender, instance, **kwargs):
    library_changed([instance.pk])


@receiver(post_save, sender=Resource, dispatch_uid="library_index_resource_saved")
@receiver(post_delete, sender=Resource, dispatch_uid="library_index_resource_deleted")
def resource_changed(sender, instance, **kwargs):
    library_changed([instance.work_id])


@receiver(post_save, sender=Organisation, dispatch_uid="library_index_publisher_saved")
@receiver(pre_delete, sender=Organisation, dispatch_uid="library_index_publisher_deleted")
def publisher_changed(sender, instance, created=False, raw=False, **kwargs):
    # The publisher facet's value is the organisation's slug and its label the name,
    # which may have changed; before a deletion, because the works then lose their
    # publisher without a signal. A new organisation publishes nothing yet.
    if created or raw:
        return
    library_changed(Work.objects.filter(publisher=instance).values_list("pk", flat=True))
