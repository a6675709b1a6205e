def can_read_access_log(user) -> bool:
    """Few may read the access log in full (DPA 2018 s62): the data protection
    officer, and superusers, who administer the service."""
    return user.is_authenticated and (user.is_superuser or user.has_role("dpo"))
