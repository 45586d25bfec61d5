"""Training: the subjects a partnership agrees, requirements by role, records and compliance.

- ``subjects``: the catalogue and an organisation's own intervals and expiring-soon window;
- ``status``: a record's expiry and its status on a day, in ASC-WDS's words;
- ``requirements``: which subjects a role needs at an organisation;
- ``records``: recording what someone completed;
- ``importer``: records from a CSV or XLSX file, all or nothing;
- ``matrix`` and ``compliance``: people by subjects for an organisation, the percentages per
  team and subject, who expires soon, and the partnership's summary.
"""
