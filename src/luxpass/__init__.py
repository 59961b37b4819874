"""luxpass: digital product passports for luxury goods."""
