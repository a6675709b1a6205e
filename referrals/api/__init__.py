"""The referrals app's REST API: serializers, viewsets and the router for /api/."""
