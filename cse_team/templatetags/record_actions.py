from django import template

from cse_team import record_actions as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def record_actions_for(context, kind, record):
    """{% record_actions_for "referrals.referral" referral as actions %}: see cse_team/record_actions.py."""
    request = context.get("request")
    if request is None or record is None or not request.user.is_authenticated:
        return []
    return registry.actions_for(request.user, kind, record)
