-- usersloop vote observations in the shared base shape (macros/fw_shared_raw.sql)
{{ fw_base_vote_observations('usersloop') }}
