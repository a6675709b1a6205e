"""The sign-in routes (accounts, allauth's account and mfa pages): none shows
a record; each shows or changes only the signed-in user's own sign-in, and
each is checked by a named test in tests/accounts/."""

OWN_SIGN_IN = "no record data: the signed-in user's own sign-in only"

ROUTE_CLAIMS = {
    "account_login": "the sign-in form (tests/accounts/test_login.py), at allauth's name",
    "account_logout": "signs out (allauth's name)",
    "account_reauthenticate": f"{OWN_SIGN_IN}; step-up (tests/accounts/test_step_up.py)",
    "account_change_password": f"{OWN_SIGN_IN} (tests/accounts/test_passwords.py)",
    "account_reset_password": "no personal data: the same answer for any address (tests/accounts/test_passwords.py)",
    "account_reset_password_done": "no personal data: the same page for any address",
    "account_reset_password_from_key": "no personal data: a new-password form behind a single-use key",
    "account_reset_password_from_key_done": "no personal data: says the password changed",
    "accounts:account": f"{OWN_SIGN_IN}: factors and sessions (tests/accounts/test_sessions.py)",
    "accounts:mfa_prompt": f"{OWN_SIGN_IN} (tests/accounts/test_mfa.py)",
    "accounts:session_status": f"{OWN_SIGN_IN}: seconds left (tests/accounts/test_sessions.py)",
    "accounts:stay_signed_in": f"{OWN_SIGN_IN}: seconds left (tests/accounts/test_sessions.py)",
    "accounts:sign_out_everywhere": f"{OWN_SIGN_IN} (tests/accounts/test_sessions.py)",
    "mfa_index": "redirects to accounts:account",
    "mfa_authenticate": "no record data: the second step of sign-in (tests/accounts/test_mfa.py)",
    "mfa_reauthenticate": f"{OWN_SIGN_IN}: step-up with a second factor",
    "mfa_activate_totp": f"{OWN_SIGN_IN} (tests/accounts/test_mfa.py)",
    "mfa_deactivate_totp": f"{OWN_SIGN_IN} (tests/accounts/test_mfa.py)",
    "mfa_view_recovery_codes": f"{OWN_SIGN_IN}: the user's own recovery codes",
    "mfa_download_recovery_codes": f"{OWN_SIGN_IN}: the user's own recovery codes",
    "mfa_generate_recovery_codes": f"{OWN_SIGN_IN}",
    "mfa_add_webauthn": f"{OWN_SIGN_IN}: adding a passkey",
    "mfa_list_webauthn": f"{OWN_SIGN_IN}: the user's passkeys",
    "mfa_edit_webauthn": f"{OWN_SIGN_IN}: renaming a passkey",
    "mfa_remove_webauthn": f"{OWN_SIGN_IN}: removing a passkey",
    "mfa_reauthenticate_webauthn": f"{OWN_SIGN_IN}: step-up with a passkey",
    "accounts:api_token_list": "no case data: the signed-in user's own tokens (tests/accounts/test_api_tokens.py)",
    "accounts:api_token_new": "no case data: makes a token for the signed-in user (tests/accounts/test_api_tokens.py)",
    "accounts:api_token_revoke": "no case data: the user's own token, else 404 (tests/accounts/test_api_tokens.py)",
}
