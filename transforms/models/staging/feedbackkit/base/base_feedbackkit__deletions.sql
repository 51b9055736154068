-- feedbackkit deletions in the shared base shape (macros/fw_shared_raw.sql)
{{ fw_base_deletions('feedbackkit') }}
