"""Pages of the referrals app, one module per subject: referrals (list, new,
page, workflow), assessments, and case records (chronology, actions, missing
episodes). Every page loads its referral through sharing (views/base.py)."""
