"""What the platform's Atom feeds share (the library's, the news')."""

from django.contrib.syndication.views import Feed
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET


class AtomWithLanguages(Atom1Feed):
    """Atom with each entry's language (``xml:lang``): one feed mixes languages.
    Items must give ``language`` in ``item_extra_kwargs``."""

    def write_items(self, handler):
        for item in self.items:
            handler.startElement("entry", {"xml:lang": item["language"]})
            self.add_item_elements(handler, item)
            handler.endElement("entry")


class AtomFeed(Feed):
    """An Atom feed answered to GET (and HEAD) only."""

    feed_type = AtomWithLanguages

    @method_decorator(require_GET)
    def __call__(self, request, *args, **kwargs):
        return super().__call__(request, *args, **kwargs)
