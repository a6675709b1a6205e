"""Routes of accounts/ (tests/route_claims.py)."""

ROUTE_CLAIMS = {
    "accounts:api_token_list": "no case data: the signed-in user's own tokens (tests/accounts/test_api_tokens.py)",
    "accounts:api_token_new": "no case data: makes a token for the signed-in user (tests/accounts/test_api_tokens.py)",
    "accounts:api_token_revoke": "no case data: the user's own token, else 404 (tests/accounts/test_api_tokens.py)",
}
