from rest_framework.throttling import AnonRateThrottle

from accounts.network import client_address


class ClientAddressAnonThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, counting the client's address behind the proxy (accounts/network.py)."""

    def get_ident(self, request):
        return client_address(request) or super().get_ident(request)
