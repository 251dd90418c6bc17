"""Publishing: frozen versions, ClaimReview, the public API and pages, the feed, webhooks."""
