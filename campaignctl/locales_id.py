"""Bahasa Indonesia for the messages in i18n.t(); the English text is the key."""

MESSAGES: dict[str, str] = {}

# schedule.py
MESSAGES.update({
    "unknown time zone {tz}": "zona waktu {tz} tidak dikenal",
    "use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura":
        "gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar atau Asia/Jayapura",
    "post {post}: `every: {expr}` is not a valid 5-field cron expression":
        "post {post}: `every: {expr}` bukan ekspresi cron 5 kolom yang sah",
    'write minute hour day month weekday, e.g. "0 9 * * mon"':
        'tulis menit jam tanggal bulan hari, mis. "0 9 * * mon"',
    "post {post}: {at} does not exist in {tz} (clocks jump forward); it will go out at {actual}":
        "post {post}: {at} tidak ada di {tz} (jam dimajukan); post terbit pada {actual}",
    "post {post}: {at} happens twice in {tz} (clocks go back); it will go out the first time":
        "post {post}: {at} terjadi dua kali di {tz} (jam dimundurkan); post terbit pada yang "
        "pertama",
    "pick a time outside the daylight-saving change":
        "pilih waktu di luar pergantian jam musim panas",
    'post {post} at {at} falls inside the blackout "{reason}" ({start} to {end})':
        'post {post} pada {at} jatuh dalam masa larangan "{reason}" ({start} sampai {end})',
    "move the post outside the blackout, or mark it `priority: emergency` if it must go out "
    "anyway":
        "pindahkan post ke luar masa larangan, atau tandai `priority: emergency` bila harus "
        "tetap terbit",
    "post {post}: `every: {expr}` never happens from {first} to {last}":
        "post {post}: `every: {expr}` tidak pernah terjadi dari {first} sampai {last}",
    "check the cron expression and the from:/until: dates":
        "periksa ekspresi cron dan tanggal from:/until:",
    "post {post} recurs forever; add until:": "post {post} berulang tanpa akhir; tambahkan until:",
    "add `until: YYYY-MM-DD` so the campaign stops on its own":
        "tambahkan `until: YYYY-MM-DD` agar kampanye berhenti sendiri",
})
