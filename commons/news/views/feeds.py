"""Not written yet."""

from django.http import HttpResponse


class _Stub:
    def __call__(self, request, **kwargs):
        return HttpResponse(status=501)


AllPosts = ByKind = ByLanguage = ByTopic = _Stub
