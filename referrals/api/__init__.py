"""The referrals app's REST API: serializers, viewsets and its routes in the project's /api/ router."""
