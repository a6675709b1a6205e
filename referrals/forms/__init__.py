"""Forms of the referrals app, one module per group of pages. They turn a
page's inputs into a service's arguments; the rules are the services'."""
