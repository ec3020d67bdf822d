"""What every layer shares and nothing of curator's is imported by: the list's
vocabulary (:mod:`catalogue.vocabulary`), the errors that map to exit statuses
(:mod:`catalogue.errors`) and the settings with their defaults and checks
(:mod:`catalogue.settings`)."""
