"""The REST API (``/api/v1``): the kernel's endpoints (``people``) and one sub-package per area,
each declaring its endpoints once (``web.api.endpoints``) on the same services as the site."""
