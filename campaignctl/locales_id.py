"""Bahasa Indonesia for the messages in i18n.t(); the English text is the key.

Word choices, kept the same everywhere: campaign = kampanye, post = unggahan,
channel = kanal, schedule = jadwal, blackout = masa larangan unggah, template = templat,
approval = persetujuan, retract = tarik, occurrence = jadwal terbit, ledger = ledger.
Commands, flags, file names, YAML keys, code in backticks, platform names and units stay
as they are. Every {placeholder} of the key appears in the translation, unchanged.
Check for gaps with `python scripts/i18n_missing.py`; tests/test_i18n.py enforces them.
"""

MESSAGES: dict[str, str] = {}

# schedule.py
MESSAGES.update({
    "unknown time zone {tz}": "zona waktu {tz} tidak dikenal",
    "use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura":
        "gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar atau Asia/Jayapura",
    "post {post}: `every: {expr}` is not a valid 5-field cron expression":
        "unggahan {post}: `every: {expr}` bukan ekspresi cron 5 kolom yang sah",
    'write minute hour day month weekday, e.g. "0 9 * * mon"':
        'tulis menit jam tanggal bulan hari, mis. "0 9 * * mon"',
    "post {post}: {at} does not exist in {tz} (clocks jump forward); it will go out at {actual}":
        "unggahan {post}: {at} tidak ada di {tz} (jam dimajukan); unggahan terbit pada {actual}",
    "post {post}: {at} happens twice in {tz} (clocks go back); it will go out the first time":
        "unggahan {post}: {at} terjadi dua kali di {tz} (jam dimundurkan); unggahan terbit pada "
        "yang pertama",
    "pick a time outside the daylight-saving change":
        "pilih waktu di luar pergantian jam musim panas",
    'post {post} at {at} falls inside the blackout "{reason}" ({start} to {end})':
        'unggahan {post} pada {at} jatuh dalam masa larangan unggah "{reason}" ({start} sampai '
        "{end})",
    "move the post outside the blackout, or mark it `priority: emergency` if it must go out "
    "anyway":
        "pindahkan unggahan ke luar masa larangan unggah, atau tandai `priority: emergency` bila "
        "harus tetap terbit",
    "post {post}: `every: {expr}` never happens from {first} to {last}":
        "unggahan {post}: `every: {expr}` tidak pernah terjadi dari {first} sampai {last}",
    "check the cron expression and the from:/until: dates":
        "periksa ekspresi cron dan tanggal from:/until:",
    "post {post} recurs forever; add until:":
        "unggahan {post} berulang tanpa akhir; tambahkan until:",
    "add `until: YYYY-MM-DD` so the campaign stops on its own":
        "tambahkan `until: YYYY-MM-DD` agar kampanye berhenti dengan sendirinya",
})

# config.py
MESSAGES.update({
    "{value!r} is not a valid id": "{value!r} bukan id yang sah",
    "use lowercase letters, digits and single dashes, e.g. booster-2026":
        "gunakan huruf kecil, angka, dan tanda hubung tunggal, mis. booster-2026",
    "did you mean {suggestion}?": "apakah maksud Anda {suggestion}?",
    "use an IANA name such as Asia/Jakarta, Asia/Makassar or Europe/Tallinn":
        "gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar atau Europe/Tallinn",
    "unknown time zone {value!r}": "zona waktu {value!r} tidak dikenal",
    "times are local to the campaign's time zone; remove the UTC offset":
        "waktu mengikuti zona waktu kampanye; hapus selisih UTC-nya",
    "write a local date and time like 2026-12-01 09:00":
        "tulis tanggal dan jam setempat seperti 2026-12-01 09:00",
    "a date alone is not a time": "tanggal saja belum menunjukkan jam",
    "{value!r} is not a local date and time": "{value!r} bukan tanggal dan jam setempat",
    "{value!r} is not a date": "{value!r} bukan tanggal",
    "write a date like 2026-12-01 (the day is included)":
        "tulis tanggal seperti 2026-12-01 (hari itu ikut dihitung)",
    "a blackout needs a start and an end":
        "masa larangan unggah memerlukan waktu mulai dan waktu selesai",
    "{value!r} is not a 5-field cron expression": "{value!r} bukan ekspresi cron 5 kolom",
    'write minute hour day-of-month month day-of-week, e.g. "0 9 * * mon"':
        'tulis menit jam tanggal bulan hari-dalam-minggu, mis. "0 9 * * mon"',
    "{value!r}: the {field} field {part!r} is not valid":
        "{value!r}: kolom {field} {part!r} tidak sah",
    "the {field} field takes {accepts}": "kolom {field} menerima {accepts}",
    "a range (1-5), a list (1,3) or a step (*/2)":
        "rentang (1-5), daftar (1,3) atau langkah (*/2)",
    "minute": "menit",
    "hour": "jam",
    "day-of-month": "tanggal",
    "month": "bulan",
    "day-of-week": "hari-dalam-minggu",
    "1-12 or jan-dec": "1-12 atau jan-dec",
    "0-7 or sun, mon, tue, wed, thu, fri, sat": "0-7 atau sun, mon, tue, wed, thu, fri, sat",
    "{value!r} is not a rate limit": "{value!r} bukan batas laju",
    "write posts per duration, e.g. 17/24h or 100/15m":
        "tulis jumlah unggahan per durasi, mis. 17/24h atau 100/15m",
    "{value!r} is not a template name": "{value!r} bukan nama templat",
    "name a file under templates/ without .j2, e.g. announcement":
        "sebutkan nama berkas di templates/ tanpa .j2, mis. announcement",
    "{value!r} is not a duration": "{value!r} bukan durasi",
    "write a number with a unit: 90s, 30m, 1h or 1h30m":
        "tulis angka beserta satuannya: 90s, 30m, 1h atau 1h30m",
    "unknown platform {value!r}": "platform {value!r} tidak dikenal",
    "use one of: {choices}": "gunakan salah satu dari: {choices}",
    "{value!r} is not a usable channel name": "{value!r} tidak dapat dipakai sebagai nama kanal",
    "use letters, digits, dots, dashes and underscores, e.g. x-ministry":
        "gunakan huruf, angka, titik, tanda hubung, dan garis bawah, mis. x-ministry",
    "this credential is a value, not a reference: never put a secret in channels.yaml":
        "kredensial ini berupa nilai, bukan rujukan: jangan pernah menaruh rahasia di "
        "channels.yaml",
    "store it in an environment variable or .env and write {env}, or in the OS keyring and "
    "write {keyring}":
        "simpan di variabel lingkungan atau .env lalu tulis {env}, atau di keyring sistem "
        "operasi lalu tulis {keyring}",
    "base_url is not an http(s) URL": "base_url bukan URL http(s)",
    "write the API base like https://api.example.com":
        "tulis alamat dasar API seperti https://api.example.com",
    "the YAML aliases (*name) expand too far or refer to themselves":
        "alias YAML (*name) berkembang terlalu jauh atau merujuk ke dirinya sendiri",
    "write the values out instead of aliasing":
        "tulis nilainya secara lengkap, jangan memakai alias",
    "unsupported YAML tag {tag}": "tag YAML {tag} tidak didukung",
    "remove the tag; campaign files use plain YAML values":
        "hapus tag tersebut; berkas kampanye memakai nilai YAML biasa",
    "bad YAML merge: {problem}": "penggabungan YAML salah: {problem}",
    "a key must be a plain name": "kunci harus berupa nama biasa",
    "write `name: value`": "tulis `name: value`",
    "duplicate key {key!r}": "kunci {key!r} ganda",
    "remove one of them: YAML would silently keep only the last":
        "hapus salah satunya: YAML diam-diam hanya menyimpan yang terakhir",
    "put one campaign in each file; remove the `---` line":
        "tulis satu kampanye per berkas; hapus baris `---`",
    "fix the indentation or quoting near this line":
        "perbaiki indentasi atau tanda kutip di sekitar baris ini",
    "YAML syntax error: {problem}": "kesalahan sintaks YAML: {problem}",
    "fix the YAML": "perbaiki YAML-nya",
    "the file is not UTF-8 text": "berkas ini bukan teks UTF-8",
    "save it as UTF-8": "simpan berkas sebagai UTF-8",
    "cannot read the file: {reason}": "berkas tidak dapat dibaca: {reason}",
    "check the path and its permissions": "periksa jalur berkas dan izin aksesnya",
    "the file": "berkas ini",
    "{field}: {message}": "{field}: {message}",
    "{field} is missing": "{field} belum diisi",
    "add `{key}:`": "tambahkan `{key}:`",
    "unknown key {key!r} in {parent}": "kunci {key!r} tidak dikenal di {parent}",
    "unknown key {key!r}": "kunci {key!r} tidak dikenal",
    "allowed here: {keys}": "yang diizinkan di sini: {keys}",
    "{field} must be one of {choices}": "{field} harus salah satu dari {choices}",
    "{field} must be {kind}": "{field} harus berupa {kind}",
    "put quotes around the value": "beri tanda kutip pada nilainya",
    "no {file} in {folder}": "tidak ada {file} di {folder}",
    "run `campaignctl init` or cd into your workspace":
        "jalankan `campaignctl init` atau pindah (cd) ke folder kerja Anda",
    "{file} is empty": "{file} kosong",
    "run `campaignctl init` to get an example": "jalankan `campaignctl init` untuk mendapat contoh",
    "{file} must be a mapping with defaults: and channels:":
        "{file} harus berupa pemetaan dengan defaults: dan channels:",
    "{count} problems in {file}:\n{listing}": "{count} masalah di {file}:\n{listing}",
    "fix each line above": "perbaiki setiap baris di atas",
    "this blackout ends before it starts":
        "masa larangan unggah ini berakhir sebelum dimulai",
    "swap start and end": "tukar start dan end",
    "campaign id {id!r} is already used by {other}":
        "id kampanye {id!r} sudah dipakai oleh {other}",
    "give each campaign its own id": "beri setiap kampanye id tersendiri",
    "the campaign file is empty": "berkas kampanye kosong",
    "start it with `campaign: my-campaign` and a `posts:` list":
        "awali dengan `campaign: my-campaign` dan daftar `posts:`",
    "a campaign file must be a mapping (campaign:, posts:, ...)":
        "berkas kampanye harus berupa pemetaan (campaign:, posts:, ...)",
    "post id {id!r} is used twice in this campaign":
        "id unggahan {id!r} dipakai dua kali dalam kampanye ini",
    "give each post its own id (first at line {line})":
        "beri setiap unggahan id tersendiri (yang pertama di baris {line})",
    "this campaign has no posts": "kampanye ini belum memiliki unggahan",
    "add at least one entry under `posts:`": "tambahkan setidaknya satu entri di bawah `posts:`",
    "channels in channels.yaml: {names}": "kanal di channels.yaml: {names}",
    "define it under `channels:` in channels.yaml":
        "definisikan di bawah `channels:` di channels.yaml",
    "unknown channel {name!r}: it is not in channels.yaml":
        "kanal {name!r} tidak dikenal: kanal ini tidak ada di channels.yaml",
    "post {id}: {message}": "unggahan {id}: {message}",
    "has both `at` and `every`": "memiliki `at` sekaligus `every`",
    "keep `at` for one time or `every` for a repeating post":
        "pakai `at` untuk sekali terbit atau `every` untuk unggahan berulang",
    "has no time": "tidak memiliki waktu",
    'add `at: 2026-12-01 09:00` or `every: "0 9 * * mon"`':
        'tambahkan `at: 2026-12-01 09:00` atau `every: "0 9 * * mon"`',
    "`{key}` only applies to `every`": "`{key}` hanya berlaku untuk `every`",
    "remove it, or make the post recurring with `every`":
        "hapus, atau jadikan unggahan ini berulang dengan `every`",
    "`until` ({until}) is before `from` ({start})":
        "`until` ({until}) lebih awal daripada `from` ({start})",
    "swap them": "tukar keduanya",
    "has both `template` and `text`": "memiliki `template` sekaligus `text`",
    "keep one: a template name or inline text": "pilih salah satu: nama templat atau teks langsung",
    "has no content": "tidak memiliki isi",
    "add `template: NAME` (templates/NAME.j2) or inline `text:`":
        "tambahkan `template: NAME` (templates/NAME.j2) atau teks langsung `text:`",
    "`channels` is empty": "`channels` kosong",
    "list at least one channel, or remove the key to use the campaign's":
        "cantumkan setidaknya satu kanal, atau hapus kunci ini agar kanal kampanye yang dipakai",
    "has no channels": "tidak memiliki kanal",
    "add `channels:` to the campaign or to this post":
        "tambahkan `channels:` pada kampanye atau pada unggahan ini",
    "no template file for {channels}": "tidak ada berkas templat untuk {channels}",
    "template {name!r} not found": "templat {name!r} tidak ditemukan",
    "create one of: {paths}": "buat salah satu dari: {paths}",
    "unknown platform {name!r} under options": "platform {name!r} di bawah options tidak dikenal",
    "unknown {platform} option {name!r}": "opsi {platform} {name!r} tidak dikenal",
    "allowed: {keys}": "yang diizinkan: {keys}",
    "has {platform} options but no {platform} channel":
        "memiliki opsi {platform} tetapi tidak ada kanal {platform}",
    "add a {platform} channel or remove these options":
        "tambahkan kanal {platform} atau hapus opsi ini",
})

# render.py
MESSAGES.update({
    "unknown language {lang!r} for a date filter":
        "bahasa {lang!r} tidak dikenal untuk filter tanggal",
    'use lang="id" or lang="en"': 'gunakan lang="id" atau lang="en"',
    "{filter} needs a date or time, got {value!r}":
        "{filter} memerlukan tanggal atau waktu, tetapi menerima {value!r}",
    "pass `when` or an ISO date such as 2026-12-01":
        "berikan `when` atau tanggal ISO seperti 2026-12-01",
    "time needs a time of day, got the date {value}":
        "time memerlukan jam, tetapi menerima tanggal {value}",
    "pass `when` or a datetime": "berikan `when` atau nilai tanggal dan jam (datetime)",
    "post {post} has neither a template nor text":
        "unggahan {post} tidak memiliki templat maupun teks",
    "add `template: NAME` or `text: ...` to the post":
        "tambahkan `template: NAME` atau `text: ...` pada unggahan",
    "template {name} not found for channel {channel}":
        "templat {name} tidak ditemukan untuk kanal {channel}",
    " (line {n} of the inline text)": " (baris {n} dari teks langsung)",
    "template uses an unsafe attribute {attr}{within}":
        "templat memakai atribut tidak aman {attr}{within}",
    "template tries something the sandbox does not allow{within}":
        "templat mencoba sesuatu yang tidak diizinkan sandbox{within}",
    "templates may only read campaign, post, channel, vars and when, and use filters":
        "templat hanya boleh membaca campaign, post, channel, vars dan when, serta memakai filter",
    "undefined variable {name}{within}": "variabel {name} belum didefinisikan{within}",
    "define it under vars: in the campaign or the post, or fix its spelling":
        "definisikan di bawah vars: pada kampanye atau unggahan, atau perbaiki ejaannya",
    "template includes {name}, which does not exist{within}":
        "templat menyertakan {name}, yang tidak ada{within}",
    "create templates/{name} or fix the name": "buat templates/{name} atau perbaiki namanya",
    "template failed: {reason}{within}": "templat gagal: {reason}{within}",
    "fix the expression on that line": "perbaiki ekspresi di baris tersebut",
    "template syntax error: {message}": "kesalahan sintaks templat: {message}",
    "fix the Jinja syntax on that line": "perbaiki sintaks Jinja di baris tersebut",
    "template syntax error: {message}{within}": "kesalahan sintaks templat: {message}{within}",
    "fix the Jinja syntax in that text": "perbaiki sintaks Jinja di teks tersebut",
})

# rules.py
MESSAGES.update({
    "{platform} post is empty": "unggahan {platform} kosong",
    "write some text or attach media": "tulis teks atau lampirkan media",
    "{platform} thread part {n}": "bagian utas {platform} ke-{n}",
    "{platform} {label}": "{label} {platform}",
    # what each platform calls a post's text, filled into "{platform} {label}"
    "post": "unggahan",
    "message": "pesan",
    "description": "deskripsi",
    "caption": "keterangan",
    "text": "teks",
    "{what} is empty": "{what} kosong",
    "write some text, or remove the empty part between --- lines":
        "tulis teks, atau hapus bagian kosong di antara baris ---",
    "shorten it or split the thread with a line containing only ---":
        "persingkat, atau pecah utas dengan baris yang hanya berisi ---",
    "shorten it": "persingkat",
    "{what} is {length} {unit}; the limit is {limit}":
        "{what} sepanjang {length} {unit}; batasnya {limit}",
    "characters by X's counting": "karakter menurut hitungan X",
    "characters": "karakter",
    "characters (UTF-16 units)": "karakter (satuan UTF-16)",
    "bytes (UTF-8)": "byte (UTF-8)",
    "check the path (relative to the workspace folder) or add the file":
        "periksa jalurnya (relatif terhadap folder kerja) atau tambahkan berkasnya",
    "{path} is not a picture or video (its content is {content})":
        "{path} bukan gambar atau video (isinya {content})",
    "attach a PNG, JPEG or GIF picture or an MP4 video":
        "lampirkan gambar PNG, JPEG atau GIF, atau video MP4",
    "{path} is named like {promised} but its content is {actual}":
        "nama {path} menunjukkan {promised}, tetapi isinya {actual}",
    "rename the file to match its content": "ganti nama berkas agar sesuai dengan isinya",
    "{path} has no alt text": "{path} tidak memiliki teks alternatif (alt)",
    "add `alt:` describing the {kind} for people who cannot see it":
        "tambahkan `alt:` yang menjelaskan {kind} bagi orang yang tidak dapat melihatnya",
    "video": "video",
    "picture": "gambar",
    "alt text of {path} is {length} characters; the limit is {limit}":
        "teks alternatif {path} sepanjang {length} karakter; batasnya {limit}",
    "shorten the alt text": "persingkat teks alternatifnya",
    "video or GIF": "video atau GIF",
    "{platform} posts cannot carry pictures; this one has {n}":
        "unggahan {platform} tidak dapat memuat gambar; unggahan ini memuat {n}",
    "{platform} allows at most {limit} pictures per post; this one has {n}":
        "{platform} mengizinkan paling banyak {limit} gambar per unggahan; unggahan ini memuat {n}",
    "remove pictures or split the post": "kurangi gambar atau pecah unggahan",
    "{platform} allows at most {limit} {what} per post; this one has {n}":
        "{platform} mengizinkan paling banyak {limit} {what} per unggahan; unggahan ini memuat {n}",
    "keep one and move the others to their own posts":
        "pertahankan satu dan pindahkan sisanya ke unggahan tersendiri",
    "{platform} cannot mix pictures and a {what} in one post ({images} picture(s), {videos} "
    "{what})":
        "{platform} tidak dapat mencampur gambar dan {what} dalam satu unggahan ({images} gambar, "
        "{videos} {what})",
    "attach either the pictures or the {what}": "lampirkan gambar saja atau {what} saja",
    "{platform} posts need exactly one video; this one has none":
        "unggahan {platform} memerlukan tepat satu video; unggahan ini tidak memilikinya",
    "add the video under media:": "tambahkan video di bawah media:",
    "Facebook post has neither text nor media":
        "unggahan Facebook tidak memiliki teks maupun media",
    "write some text or attach a picture or video":
        "tulis teks atau lampirkan gambar atau video",
    "YouTube title is empty": "judul YouTube kosong",
    "set options.youtube.title": "isi options.youtube.title",
    "YouTube title is {length} characters; the limit is {limit}":
        "judul YouTube sepanjang {length} karakter; batasnya {limit}",
    "shorten options.youtube.title": "persingkat options.youtube.title",
    "YouTube description is {length} bytes (UTF-8); the limit is {limit}":
        "deskripsi YouTube sebesar {length} byte (UTF-8); batasnya {limit}",
    "YouTube {field} contains < or >, which YouTube rejects":
        "{field} YouTube memuat < atau >, yang ditolak YouTube",
    "remove the angle brackets (write ‹ › or words instead)":
        "hapus tanda kurung sudut (ganti dengan ‹ › atau kata-kata)",
    "YouTube tags total {length} characters (counting commas and the quotes around tags with "
    "spaces); the limit is {limit}":
        "total tag YouTube {length} karakter (termasuk koma dan tanda kutip di sekitar tag yang "
        "berspasi); batasnya {limit}",
    "remove or shorten tags": "hapus atau persingkat tag",
    "YouTube privacy {value!r} is not one of {allowed}":
        "privasi YouTube {value!r} bukan salah satu dari {allowed}",
    "set options.youtube.privacy to public, unlisted or private":
        "isi options.youtube.privacy dengan public, unlisted atau private",
    "YouTube publish_at only works with privacy private (it is {value})":
        "publish_at YouTube hanya berlaku dengan privasi private (saat ini {value})",
    "not set": "belum diisi",
    "set options.youtube.privacy: private, or remove publish_at":
        "isi options.youtube.privacy: private, atau hapus publish_at",
    "TikTok posts need one video or 1 to 35 photos; this one has none":
        "unggahan TikTok memerlukan satu video atau 1 sampai 35 foto; unggahan ini tidak "
        "memilikinya",
    "attach a video or photos under media:": "lampirkan video atau foto di bawah media:",
    "TikTok privacy_level {value!r} is not one of {allowed}":
        "privacy_level TikTok {value!r} bukan salah satu dari {allowed}",
    "use SELF_ONLY until the TikTok app has passed its audit":
        "gunakan SELF_ONLY sampai aplikasi TikTok lolos audit",
    " and {n} more": " dan {n} lainnya",
    "X post {post} renders the same text on {channel} on {dates}; X rejects duplicate posts":
        "unggahan X {post} menghasilkan teks yang sama di {channel} pada {dates}; X menolak "
        "unggahan kembar",
    "make each occurrence differ, e.g. add {example} to the text":
        "bedakan teks setiap jadwal terbit, mis. tambahkan {example} ke teks",
})

# channels/facebook.py
MESSAGES.update({
    "account {name} has no Facebook page_id": "akun {name} tidak memiliki page_id Facebook",
    'add `page_id: "<numeric id>"` under channels.{name}.options in channels.yaml':
        'tambahkan `page_id: "<numeric id>"` di bawah channels.{name}.options di channels.yaml',
    "Facebook sent an unreadable answer (HTTP {status})":
        "Facebook mengirim jawaban yang tidak dapat dibaca (HTTP {status})",
    "try again later": "coba lagi nanti",
    "the connection to Facebook broke after the request was sent ({what}); the post may have "
    "been published":
        "sambungan ke Facebook terputus setelah permintaan terkirim ({what}); unggahan mungkin "
        "sudah terbit",
    "reconcile before publishing again: campaignctl looks for the post on the Page":
        "lakukan rekonsiliasi sebelum menerbitkan lagi: campaignctl mencari unggahan itu di Page",
    "could not reach Facebook at {url} ({what})":
        "tidak dapat menghubungi Facebook di {url} ({what})",
    "check the network (or that `campaignctl sandbox` runs) and try again":
        "periksa jaringan (atau pastikan `campaignctl sandbox` berjalan) lalu coba lagi",
    "the token is not valid": "token tidak sah",
    "Facebook refused the Page token: {why} ({message})":
        "Facebook menolak token Page: {why} ({message})",
    "run `campaignctl channels login {name}` to get a new Page token":
        "jalankan `campaignctl channels login {name}` untuk mendapat token Page baru",
    "the Page token lacks a permission Facebook needs: {message}":
        "token Page tidak memiliki izin yang diperlukan Facebook: {message}",
    "log in again with pages_manage_posts and pages_read_engagement: "
    "`campaignctl channels login {name}`":
        "masuk lagi dengan pages_manage_posts dan pages_read_engagement: "
        "`campaignctl channels login {name}`",
    "Facebook asks to slow down: {message}":
        "Facebook meminta agar permintaan diperlambat: {message}",
    "campaignctl retries after the time Facebook gives":
        "campaignctl mencoba lagi setelah waktu yang ditentukan Facebook",
    "Facebook had a temporary problem: {message}":
        "Facebook mengalami gangguan sementara: {message}",
    "Facebook refused the request: {message}": "Facebook menolak permintaan: {message}",
    "change the post so Facebook accepts it; it is not retried":
        "ubah unggahan agar diterima Facebook; unggahan ini tidak dicoba ulang",
    "a Facebook post with photos or a video cannot carry a separate link":
        "unggahan Facebook yang berisi foto atau video tidak dapat memuat tautan terpisah",
    "put the link in the text, or remove the media from the Facebook post":
        "taruh tautan di dalam teks, atau hapus media dari unggahan Facebook",
    "Facebook cannot show this post to this Page token (Graph error {code}): deleted, or a "
    "permission is missing":
        "Facebook tidak dapat menampilkan unggahan ini untuk token Page ini (kesalahan Graph "
        "{code}): "
        "sudah dihapus, atau ada izin yang kurang",
    "not returned": "tidak dikembalikan",
    "{account}: Page {name} ({id}), can post": "{account}: Page {name} ({id}), dapat mengunggah",
})

# channels/x.py
MESSAGES.update({
    "the access token of {name} expired and there is no refresh token":
        "token akses {name} sudah kedaluwarsa dan tidak ada token penyegar (refresh token)",
    "X refused to refresh the access token of {name}":
        "X menolak memperbarui token akses {name}",
    "X rejected the credentials of {name} while trying to {what}":
        "X menolak kredensial {name} saat mencoba {what}",
    "X had a server error ({status}) while trying to {what}":
        "X mengalami gangguan server ({status}) saat mencoba {what}",
    "it will be retried; check https://api.twitterstat.us if it persists":
        "akan dicoba lagi; periksa https://api.twitterstat.us bila masih berlanjut",
    "X refused to {what}: {reason}": "X menolak {what}: {reason}",
    "fix the post and publish again; X will not accept it as it is":
        "perbaiki unggahan lalu terbitkan lagi; X tidak akan menerimanya dalam bentuk ini",
    "the credentials of {name} may not {what}: {reason}":
        "kredensial {name} tidak diizinkan {what}: {reason}",
    'give the X app "Read and write" permission, regenerate the access token and run '
    "`campaignctl channels login {name}`":
        'beri aplikasi X izin "Read and write", buat ulang token akses, lalu jalankan '
        "`campaignctl channels login {name}`",
    "the connection to X dropped after the request to {what} was sent; it may have been applied":
        "sambungan ke X terputus setelah permintaan {what} terkirim; permintaan itu mungkin "
        "sudah dijalankan",
    "check the account before posting it again; the next publish reconciles it":
        "periksa akun sebelum mengunggahnya lagi; penerbitan berikutnya akan merekonsiliasinya",
    "could not reach X to {what} ({kind})": "tidak dapat menghubungi X untuk {what} ({kind})",
    "check the network (or that `campaignctl sandbox` runs); it will be retried":
        "periksa jaringan (atau pastikan `campaignctl sandbox` berjalan); akan dicoba lagi",
    "X rate limit reached while trying to {what}; allowed again at {at}":
        "batas laju X tercapai saat mencoba {what}; diizinkan lagi pada {at}",
    "wait; the publisher retries after that time":
        "tunggu; proses penerbitan akan mencoba lagi setelah waktu tersebut",
    "the post for {name} has no text and no media":
        "unggahan untuk {name} tidak memiliki teks maupun media",
    "give the post text or media": "beri unggahan teks atau media",
    # filled into "{what}" of the messages above
    "post part {n} of {total}": "mengunggah bagian {n} dari {total}",
    "part of the thread was posted ({ids}) and could not be removed after: {cause}":
        "sebagian utas sudah terunggah ({ids}) dan tidak dapat dihapus sesudahnya: {cause}",
    "delete those posts by hand or retract, then publish again":
        "hapus unggahan tersebut secara manual atau tarik (retract), lalu terbitkan lagi",
    "X is still processing {file} after {secs} seconds":
        "X masih memproses {file} setelah {secs} detik",
    "try again later; large videos can take minutes":
        "coba lagi nanti; video besar dapat memakan waktu beberapa menit",
    "X could not process {file}: {reason}": "X tidak dapat memproses {file}: {reason}",
    "re-encode the video as H.264/AAC MP4 within X's limits":
        "enkode ulang video sebagai MP4 H.264/AAC sesuai batas X",
    "delete post {id}": "menghapus unggahan {id}",
    "read metrics": "membaca metrik",
    "X returned no public metrics": "X tidak mengembalikan metrik publik",
    "not available": "tidak tersedia",
    "X did not return this post": "X tidak mengembalikan unggahan ini",
    "read the account": "membaca akun",
    '{name}: @{handle}, read only: cannot post ({how}); give the app "Read and write" '
    "permission and regenerate the access token":
        '{name}: @{handle}, hanya baca: tidak dapat mengunggah ({how}); beri aplikasi izin '
        '"Read and write" dan buat ulang token akses',
    "{name}: @{handle}, can post ({how})": "{name}: @{handle}, dapat mengunggah ({how})",
    "read recent posts": "membaca unggahan terbaru",
})

# channels/tiktok.py
MESSAGES.update({
    "TikTok did not answer after the request to {what} was sent ({reason}); it may have been "
    "applied":
        "TikTok tidak menjawab setelah permintaan {what} terkirim ({reason}); permintaan itu "
        "mungkin sudah dijalankan",
    "{message} (publish_id {pid})": "{message} (publish_id {pid})",
    "campaignctl reconciles before sending again; check the TikTok app if unsure":
        "campaignctl melakukan rekonsiliasi sebelum mengirim lagi; periksa aplikasi TikTok bila "
        "ragu",
    "could not reach TikTok to {what} ({reason})":
        "tidak dapat menghubungi TikTok untuk {what} ({reason})",
    "check the network connection; the publisher retries later":
        "periksa sambungan jaringan; proses penerbitan akan mencoba lagi nanti",
    "HTTP {status}": "HTTP {status}",
    "TikTok refused the access token: {message}": "TikTok menolak token akses: {message}",
    "run `campaignctl channels login {name}`": "jalankan `campaignctl channels login {name}`",
    "the TikTok token lacks a permission needed to {what}: {message}":
        "token TikTok tidak memiliki izin yang diperlukan untuk {what}: {message}",
    "run `campaignctl channels login {name}` and grant video.publish and video.list":
        "jalankan `campaignctl channels login {name}` dan berikan izin video.publish dan "
        "video.list",
    "TikTok rate limit reached while trying to {what}":
        "batas laju TikTok tercapai saat mencoba {what}",
    "the publisher waits until the limit resets":
        "proses penerbitan menunggu sampai batasnya pulih",
    "TikTok says this account posted too often today: {message}":
        "TikTok menyatakan akun ini terlalu sering mengunggah hari ini: {message}",
    "the publisher tries again in a day": "proses penerbitan akan mencoba lagi dalam satu hari",
    "TikTok had an internal error while trying to {what}: {message}":
        "TikTok mengalami gangguan internal saat mencoba {what}: {message}",
    "the publisher retries later": "proses penerbitan akan mencoba lagi nanti",
    "TikTok refused to {what}: {message}": "TikTok menolak {what}: {message}",
    # hints for TikTok's refusal codes (_REJECT_HINTS)
    "choose a privacy_level the account allows; `campaignctl channels check {name}` lists them":
        "pilih privacy_level yang diizinkan akun; `campaignctl channels check {name}` "
        "menampilkan daftarnya",
    "until TikTok audits the app, use options.tiktok.privacy_level: SELF_ONLY":
        "sampai TikTok mengaudit aplikasi, gunakan options.tiktok.privacy_level: SELF_ONLY",
    "verify the photo_url_prefix domain in the TikTok developer portal, or correct "
    "options.photo_url_prefix of {name}":
        "verifikasi domain photo_url_prefix di portal pengembang TikTok, atau perbaiki "
        "options.photo_url_prefix milik {name}",
    "the account may not post now; check it in the TikTok app":
        "akun ini sedang tidak boleh mengunggah; periksa di aplikasi TikTok",
    "an unaudited app may post for 5 users a day; try tomorrow or get the app audited":
        "aplikasi yang belum diaudit hanya boleh mengunggah untuk 5 pengguna per hari; coba "
        "besok atau ajukan audit aplikasi",
    "finish or discard pending TikTok shares in the app, then publish again":
        "selesaikan atau buang kiriman TikTok yang tertunda di aplikasi, lalu terbitkan lagi",
    "fix the post as TikTok's message says, then publish again":
        "perbaiki unggahan sesuai pesan TikTok, lalu terbitkan lagi",
    "the TikTok access token expired and {name} has no refresh token":
        "token akses TikTok sudah kedaluwarsa dan {name} tidak memiliki token penyegar "
        "(refresh token)",
    # filled into "{what}" of the messages above
    "refresh the access token": "memperbarui token akses",
    "TikTok could not refresh the access token (HTTP {status})":
        "TikTok tidak dapat memperbarui token akses (HTTP {status})",
    "TikTok refused to refresh the access token: {code} {described}":
        "TikTok menolak memperbarui token akses: {code} {described}",
    "read the creator's info": "membaca info kreator",
    "no privacy_level is set and this TikTok account does not offer SELF_ONLY":
        "privacy_level belum diisi dan akun TikTok ini tidak menyediakan SELF_ONLY",
    "set options.tiktok.privacy_level to one of: {levels}":
        "isi options.tiktok.privacy_level dengan salah satu dari: {levels}",
    "privacy_level {wanted} is not offered by this TikTok account":
        "privacy_level {wanted} tidak disediakan oleh akun TikTok ini",
    "a TikTok post needs a video or photos": "unggahan TikTok memerlukan video atau foto",
    "add media to this post, or leave {name} out of its channels":
        "tambahkan media pada unggahan ini, atau keluarkan {name} dari daftar kanalnya",
    "TikTok takes one video or JPEG/WebP photos, not {file} ({kind})":
        "TikTok menerima satu video atau foto JPEG/WebP, bukan {file} ({kind})",
    "convert it to an MP4 video or a JPEG photo": "ubah menjadi video MP4 atau foto JPEG",
    "media file {path} does not exist": "berkas media {path} tidak ada",
    "check the media path in the campaign": "periksa jalur media di kampanye",
    "a TikTok post carries one video, or photos, not both":
        "unggahan TikTok memuat satu video atau foto, tidak keduanya",
    "keep one video, or only photos, for this post":
        "pertahankan satu video, atau foto saja, untuk unggahan ini",
    "TikTok takes MP4, MOV or WebM videos, not {mime}":
        "TikTok menerima video MP4, MOV atau WebM, bukan {mime}",
    "convert {file} to MP4": "ubah {file} menjadi MP4",
    "TikTok takes videos of 1 byte to 4 GB; {file} has {size} bytes":
        "TikTok menerima video berukuran 1 byte sampai 4 GB; {file} berukuran {size} byte",
    "use a smaller export of the video": "gunakan hasil ekspor video yang lebih kecil",
    "start the video upload": "memulai unggah video",
    "upload part {n} of {count} of the video": "mengunggah bagian {n} dari {count} video",
    "TikTok pulls photos from a verified web address, and {name} has no photo_url_prefix":
        "TikTok mengambil foto dari alamat web yang terverifikasi, dan {name} tidak memiliki "
        "photo_url_prefix",
    "publish the media files on your verified domain and set options.photo_url_prefix for "
    "{name} in channels.yaml, e.g. https://media.example.go.id/kampanye/":
        "terbitkan berkas media di domain Anda yang terverifikasi dan isi "
        "options.photo_url_prefix untuk {name} di channels.yaml, mis. "
        "https://media.example.go.id/kampanye/",
    "TikTok photo posts take JPEG or WebP, not {file}":
        "unggahan foto TikTok menerima JPEG atau WebP, bukan {file}",
    "convert {file} to JPEG": "ubah {file} menjadi JPEG",
    "start the photo post": "memulai unggahan foto",
    "read the post's status": "membaca status unggahan",
    "TikTok accepted the post but its status could not be read ({error}); publish_id {pid}":
        "TikTok menerima unggahan tetapi statusnya tidak dapat dibaca ({error}); publish_id {pid}",
    "TikTok could not publish the post: {reason}":
        "TikTok tidak dapat menerbitkan unggahan: {reason}",
    "fix the media or text as the reason says, then publish again":
        "perbaiki media atau teks sesuai alasannya, lalu terbitkan lagi",
    "TikTok is still processing the post after {n} status checks; publish_id {pid}":
        "TikTok masih memproses unggahan setelah {n} kali pemeriksaan status; publish_id {pid}",
    "the private post (publish_id {pid}) on the account's profile":
        "unggahan privat (publish_id {pid}) di profil akun",
    "TikTok's API cannot delete posts; remove it by hand in the TikTok app: {where}":
        "API TikTok tidak dapat menghapus unggahan; hapus secara manual di aplikasi TikTok: "
        "{where}",
    "open {where} in the TikTok app signed in as the account, then choose Delete":
        "buka {where} di aplikasi TikTok dengan masuk sebagai akun tersebut, lalu pilih Delete",
    "TikTok is still processing the post (publish_id {pid})":
        "TikTok masih memproses unggahan (publish_id {pid})",
    "campaignctl reconciles again later": "campaignctl akan melakukan rekonsiliasi lagi nanti",
    "read video metrics": "membaca metrik video",
    "no permission: {msg}": "tidak ada izin: {msg}",
    "TikTok gives no video id for private posts, so it has no numbers":
        "TikTok tidak memberikan id video untuk unggahan privat, sehingga tidak ada angkanya",
    "TikTok did not return this video (deleted, or not public)":
        "TikTok tidak mengembalikan video ini (sudah dihapus, atau tidak publik)",
    "list videos": "mengambil daftar video",
    "{platform}: @{user}, may post as {levels}, max video {secs} s, audited: {audited}, "
    "metrics: {metrics}":
        "{platform}: @{user}, boleh mengunggah sebagai {levels}, video maks. {secs} s, "
        "teraudit: {audited}, metrik: {metrics}",
    "yes": "ya",
    "no (posts forced private)": "tidak (unggahan dipaksa privat)",
    "no (video.list scope missing)": "tidak (cakupan video.list tidak ada)",
    "TikTok lists only public videos, so a {privacy} post cannot be looked up":
        "TikTok hanya menampilkan video publik, sehingga unggahan {privacy} tidak dapat dicari",
    "check the account's private videos in the TikTok app before publishing again":
        "periksa video privat akun di aplikasi TikTok sebelum menerbitkan lagi",
    "list recent videos": "mengambil daftar video terbaru",
})

# channels/youtube.py
MESSAGES.update({
    "the OAuth token endpoint is unavailable ({code})":
        "endpoint token OAuth sedang tidak tersedia ({code})",
    "YouTube refused to refresh the access token ({code})":
        "YouTube menolak memperbarui token akses ({code})",
    "could not reach the OAuth token endpoint ({kind})":
        "tidak dapat menghubungi endpoint token OAuth ({kind})",
    "check the network and try again": "periksa jaringan lalu coba lagi",
    "YouTube refused the connection at {url}": "YouTube menolak sambungan di {url}",
    "check the network (or start `campaignctl sandbox`) and try again":
        "periksa jaringan (atau jalankan `campaignctl sandbox`) lalu coba lagi",
    "the connection to YouTube was lost after the upload was sent ({what}); the video may exist":
        "sambungan ke YouTube terputus setelah unggahan terkirim ({what}); video mungkin sudah ada",
    "reconcile before retrying: the publisher looks for the video with find_recent":
        "lakukan rekonsiliasi sebelum mencoba lagi: proses penerbitan mencari video dengan "
        "find_recent",
    "the connection to YouTube failed ({what})": "sambungan ke YouTube gagal ({what})",
    "YouTube rejected the access token: {message}": "YouTube menolak token akses: {message}",
    "the YouTube API quota for today is used up: {message}":
        "kuota API YouTube untuk hari ini sudah habis: {message}",
    "it resets at midnight Pacific time; ask Google for more quota if this repeats":
        "kuota pulih pada tengah malam waktu Pasifik; ajukan tambahan kuota ke Google bila hal "
        "ini berulang",
    "YouTube asks to slow down: {message}":
        "YouTube meminta agar permintaan diperlambat: {message}",
    "campaignctl retries after the time YouTube gives":
        "campaignctl mencoba lagi setelah waktu yang ditentukan YouTube",
    "YouTube had a server error ({status}): {message}":
        "YouTube mengalami gangguan server ({status}): {message}",
    "the YouTube credential may not do this: {message}":
        "kredensial YouTube tidak diizinkan melakukan ini: {message}",
    "YouTube refused the upload: {message}": "YouTube menolak unggahan: {message}",
    "the channel has reached its daily upload limit; try again in 24 hours":
        "kanal sudah mencapai batas unggah harian; coba lagi dalam 24 jam",
    "YouTube refused the request: {message}": "YouTube menolak permintaan: {message}",
    "fix the post (title, description, tags, privacy or publish_at) and publish again":
        "perbaiki unggahan (judul, deskripsi, tag, privasi atau publish_at) lalu terbitkan lagi",
    "channels.{name}.options.chunk_size must be a positive multiple of 262144 (256 KiB)":
        "channels.{name}.options.chunk_size harus kelipatan positif dari 262144 (256 KiB)",
    "use e.g. 8388608 (8 MiB)": "gunakan mis. 8388608 (8 MiB)",
    "a YouTube post needs a video": "unggahan YouTube memerlukan video",
    "add a video file under media: for this post":
        "tambahkan berkas video di bawah media: untuk unggahan ini",
    "the video file {path} does not exist": "berkas video {path} tidak ada",
    "fix the media path in the campaign": "perbaiki jalur media di kampanye",
    "YouTube set the video to {got} instead of {wanted} (unaudited API projects upload as "
    "private)":
        "YouTube mengatur video menjadi {got}, bukan {wanted} (proyek API yang belum diaudit "
        "mengunggah sebagai private)",
    "thumbnail file {path} not found": "berkas thumbnail {path} tidak ditemukan",
    "not found": "tidak ditemukan",
    "{name}: the Google account has no YouTube channel — create one on youtube.com":
        "{name}: akun Google ini tidak memiliki kanal YouTube — buat kanal di youtube.com",
    "{name}: channel {title}, cannot upload (the token lacks the youtube.upload scope) — run "
    "`campaignctl channels login {name}`":
        "{name}: kanal {title}, tidak dapat mengunggah (token tidak memiliki cakupan "
        "youtube.upload) — jalankan `campaignctl channels login {name}`",
    "{name}: channel {title}, can upload (default privacy private; unverified projects upload "
    "as private)":
        "{name}: kanal {title}, dapat mengunggah (privasi bawaan private; proyek yang belum "
        "diverifikasi mengunggah sebagai private)",
    "no token store to keep the YouTube login in":
        "tidak ada penyimpanan token untuk menyimpan login YouTube",
    "run the command inside a campaignctl workspace":
        "jalankan perintah ini di dalam folder kerja campaignctl",
})

# publish.py
MESSAGES.update({
    "missed: due at {at} (more than {window} ago)":
        "terlewat: jadwalnya {at} (lebih dari {window} yang lalu)",
    "nothing rendered for this channel": "tidak ada hasil render untuk kanal ini",
    "not recorded": "tidak tercatat",
    "being sent by another run ({owner})": "sedang dikirim oleh proses lain ({owner})",
    "{state} earlier: {reason}": "{state} sebelumnya: {reason}",
    "found on the platform after: {error}": "ditemukan di platform setelah: {error}",
    "gave up after {n} attempt(s): {error}": "dihentikan setelah {n} percobaan: {error}",
    "unexpected error in the {channel} adapter: {error}":
        "kesalahan tak terduga di adaptor {channel}: {error}",
    "published as {url} but the ledger could not record it: {error}; the next run will "
    "reconcile it":
        "terbit sebagai {url} tetapi ledger gagal mencatatnya: {error}; proses "
        "berikutnya akan merekonsiliasinya",
    "could not check the platform: {error}": "tidak dapat memeriksa platform: {error}",
    "no archived payload to look for; check the platform by hand":
        "tidak ada muatan arsip untuk dicari; periksa platform secara manual",
    "found on the platform (reconciled)": "ditemukan di platform (sudah direkonsiliasi)",
    "not found on the platform; sending again": "tidak ditemukan di platform; dikirim ulang",
    "outcome not known yet; run `campaignctl reconcile` and then retract again":
        "hasilnya belum diketahui; jalankan `campaignctl reconcile` lalu tarik (retract) lagi",
})

# ledger.py
MESSAGES.update({
    "the ledger URL is not valid: {error}": "URL ledger tidak sah: {error}",
    "use sqlite:///path/ledger.db or postgresql+psycopg://user@host/db":
        "gunakan sqlite:///path/ledger.db atau postgresql+psycopg://user@host/db",
    "unsupported ledger database {name!r}": "basis data ledger {name!r} tidak didukung",
    "cannot open the ledger {url}: {error}": "ledger {url} tidak dapat dibuka: {error}",
    "check the ledger URL (CAMPAIGNCTL_LEDGER or `ledger:` in channels.yaml) and that the "
    "database is reachable":
        "periksa URL ledger (CAMPAIGNCTL_LEDGER atau `ledger:` di channels.yaml) dan pastikan "
        "basis datanya dapat dihubungi",
})

# jobs.py
MESSAGES.update({
    "no campaign {name!r}": "tidak ada kampanye {name!r}",
    "campaigns here: {names}": "kampanye yang ada di sini: {names}",
    "campaign {campaign} has no post {post!r}":
        "kampanye {campaign} tidak memiliki unggahan {post!r}",
    "--rehearse runs the whole timeline and needs --sandbox":
        "--rehearse menjalankan seluruh lini waktu dan memerlukan --sandbox",
    "add --sandbox: rehearsals never reach the real platforms":
        "tambahkan --sandbox: gladi tidak pernah menyentuh platform sungguhan",
    "--now needs CAMPAIGN/POST": "--now memerlukan CAMPAIGN/POST",
    "e.g. --now booster-2026/launch": "mis. --now booster-2026/launch",
    "{campaign}/{post} has no occurrence that can go out":
        "{campaign}/{post} tidak memiliki jadwal terbit yang dapat dikirim",
    "retract needs CAMPAIGN or CAMPAIGN/POST": "retract memerlukan CAMPAIGN atau CAMPAIGN/POST",
    "approve needs CAMPAIGN or CAMPAIGN/POST": "approve memerlukan CAMPAIGN atau CAMPAIGN/POST",
    'e.g. campaignctl approve booster-2026/launch --by "Kepala Dinas"':
        'mis. campaignctl approve booster-2026/launch --by "Kepala Dinas"',
    "nothing of {what} is still to go out, so there is nothing to approve":
        "tidak ada bagian dari {what} yang masih akan terbit, jadi tidak ada yang perlu disetujui",
    "check the dates with `campaignctl plan`": "periksa tanggalnya dengan `campaignctl plan`",
    "the announcement has no text": "pengumuman tidak memiliki teks",
    'pass it with --text "…"': 'berikan dengan --text "…"',
    "channels.yaml names no channel to announce on":
        "channels.yaml tidak menyebutkan kanal untuk pengumuman",
    "add an account under channels:": "tambahkan akun di bawah channels:",
    "no campaign files found in {folder}": "tidak ada berkas kampanye di {folder}",
    "add campaigns/NAME.yaml or run `campaignctl init`":
        "tambahkan campaigns/NAME.yaml atau jalankan `campaignctl init`",
})

# workspace.py, planner.py
MESSAGES.update({
    "{path} already exists": "{path} sudah ada",
    "choose an empty folder, or pass --force to overwrite the example files":
        "pilih folder kosong, atau berikan --force untuk menimpa berkas contoh",
    "internal error: {error}; run `campaignctl status` and report this":
        "kesalahan internal: {error}; jalankan `campaignctl status` dan laporkan hal ini",
})

# output.py: table headings and summaries
MESSAGES.update({
    "Campaign": "Kampanye",
    "Status": "Status",
    "Reason": "Alasan",
    "{scheduled} scheduled, {skipped} skipped, in {campaigns} campaign(s)":
        "{scheduled} terjadwal, {skipped} dilewati, dalam {campaigns} kampanye",
    "unknown type": "jenis tidak dikenal",
    "(no alt text)": "(tanpa teks alternatif)",
    "(+{n} more occurrence(s); --all shows them)":
        "(+{n} jadwal terbit lainnya; --all menampilkan semuanya)",
    "Nothing to preview.": "Tidak ada yang dapat dipratinjau.",
    "campaignctl preview": "campaignctl preview",
    "{errors} error(s), {warnings} warning(s)": "{errors} kesalahan, {warnings} peringatan",
    "(+{n} more occurrence(s))": "(+{n} jadwal terbit lainnya)",
    "Platform": "Platform",
    "Posts to": "Mengunggah ke",
    "Credentials": "Kredensial",
    "The sandbox has received no posts yet.": "Sandbox belum menerima unggahan apa pun.",
    "Text": "Teks",
    "Media": "Media",
    "Nothing was due.": "Tidak ada yang jatuh tempo.",
    "To rehearse the whole campaign now: campaignctl publish --sandbox --rehearse":
        "Untuk menggladi seluruh kampanye sekarang: campaignctl publish --sandbox --rehearse",
    "Dry run: nothing was sent.": "Uji coba: tidak ada yang dikirim.",
    "Outcome": "Hasil",
    "URL or reason": "URL atau alasan",
    "No occurrence matches.": "Tidak ada jadwal terbit yang cocok.",
    "The ledger is empty: nothing has been published yet.":
        "Ledger masih kosong: belum ada yang diterbitkan.",
    "State": "Keadaan",
    "Nothing was published, so nothing was deleted.":
        "Tidak ada yang diterbitkan, jadi tidak ada yang dihapus.",
    "{n} occurrence(s) still to come will not go out (retracted).":
        "{n} jadwal terbit yang akan datang tidak akan dikirim (ditarik).",
})

# cli.py
MESSAGES.update({
    "Created a campaignctl workspace in {folder} ({count} files).":
        "Folder kerja campaignctl dibuat di {folder} ({count} berkas).",
    "Next: cd {folder} && campaignctl validate && campaignctl preview":
        "Berikutnya: cd {folder} && campaignctl validate && campaignctl preview",
    "{errors} error(s), {warnings} warning(s) in {campaigns} campaign file(s)":
        "{errors} kesalahan, {warnings} peringatan dalam {campaigns} berkas kampanye",
    "OK: {campaigns} campaign(s), {posts} post(s) on {entries} channel occurrence(s) checked; "
    "{warnings} warning(s)":
        "OK: {campaigns} kampanye, {posts} unggahan pada {entries} jadwal terbit per kanal "
        "diperiksa; {warnings} peringatan",
    "retract deletes posts and asks first":
        "retract menghapus unggahan dan meminta konfirmasi dulu",
    "run it in a terminal, or pass --yes": "jalankan di terminal, atau berikan --yes",
    "Delete every published copy of {what}?": "Hapus setiap salinan {what} yang sudah terbit?",
    "{platform} has no interactive login in campaignctl":
        "{platform} tidak memiliki login interaktif di campaignctl",
    "set the credentials named under channels.{name}.credentials in .env":
        "isi kredensial yang disebut di bawah channels.{name}.credentials di .env",
    "Logged in {name}; tokens stored for the user only.":
        "{name} sudah masuk; token disimpan hanya untuk pengguna ini.",
    "cannot listen on 127.0.0.1:{port}: {reason}":
        "tidak dapat mendengarkan di 127.0.0.1:{port}: {reason}",
    "is a sandbox already running? pick another --port":
        "apakah sandbox sudah berjalan? pilih --port lain",
    "Sandbox of {platforms} on {url} (Ctrl-C stops it).":
        "Sandbox {platforms} di {url} (Ctrl-C untuk menghentikan).",
    "See what it received: campaignctl sandbox posts":
        "Lihat apa yang diterimanya: campaignctl sandbox posts",
    "Sandbox stopped.": "Sandbox dihentikan.",
    "the sandbox refused: {reason}": "sandbox menolak: {reason}",
    "no sandbox answers at {url}": "tidak ada sandbox yang menjawab di {url}",
    "start one with `campaignctl sandbox` in another terminal":
        "jalankan dengan `campaignctl sandbox` di terminal lain",
    "--rate-limit must look like 5/60 (requests/seconds)":
        "--rate-limit harus berbentuk seperti 5/60 (permintaan/detik)",
    "bad --fault {item!r}": "--fault {item!r} salah",
    "use KIND[:COUNT][@PATH] with KIND one of {kinds}":
        "gunakan KIND[:COUNT][@PATH] dengan KIND salah satu dari {kinds}",
    "{platform}: configured {what}": "{platform}: diatur {what}",
    "start one with `campaignctl sandbox`, or leave out the URL":
        "jalankan dengan `campaignctl sandbox`, atau jangan cantumkan URL-nya",
})

# Status and outcome words, shown in tables through t(state) / t(outcome)
MESSAGES.update({
    "scheduled": "terjadwal",
    "skipped": "dilewati",
    "pending": "menunggu",
    "sending": "sedang dikirim",
    "published": "terbit",
    "failed": "gagal",
    "unknown": "tidak diketahui",
    "retracted": "ditarik",
    "already-done": "sudah selesai",
    "in-progress": "sedang berjalan",
    "would-send": "akan dikirim",
    "deleted": "dihapus",
    "deleting": "sedang dihapus",
    "manual": "manual",
    "in-flight": "sedang dikirim",
    "missing": "tidak ada",
    "found": "ditemukan",
    "not-found": "tidak ditemukan",
    # what media.describe() calls a file that is not media
    "unreadable": "tidak terbaca",
    "empty": "kosong",
    "unrecognised binary data": "data biner tak dikenal",
})

# governance.py, cli_governance.py
MESSAGES.update({
    "every channel": "semua kanal",
    "Paused {where}: {reason}. Due posts are skipped (paused) and go out if resumed within the "
    "catch-up window; emergency posts still go out. Lift it with `campaignctl resume`.":
        "Dijeda {where}: {reason}. Unggahan yang jatuh tempo dilewati (dijeda) dan tetap terbit "
        "bila dilanjutkan dalam jendela susulan; unggahan darurat tetap terbit. Cabut jeda "
        "dengan `campaignctl resume`.",
    "Nothing was paused.": "Tidak ada yang dijeda.",
    "Resumed {where} (paused by {who}: {reason}).":
        "{where} dilanjutkan (dijeda oleh {who}: {reason}).",
    "Held posts still inside the catch-up window go out at the next publish.":
        "Unggahan tertahan yang masih dalam jendela susulan terbit pada penerbitan berikutnya.",
    "approve refused: fix the campaign files first (campaignctl validate)":
        "persetujuan ditolak: perbaiki dulu berkas kampanye (campaignctl validate)",
    "{by} approved {n} post(s) of {target} exactly as they render now ({new} new); any edit "
    "voids the approval.":
        "{by} menyetujui {n} unggahan dari {target} persis seperti hasil render saat ini "
        "({new} baru); setiap perubahan membatalkan persetujuan.",
    "No post is still to go out.": "Tidak ada unggahan yang masih akan terbit.",
    "no": "tidak",
    "When": "Waktu",
    "Post": "Unggahan",
    "Channel": "Kanal",
    "Required": "Wajib",
    "Approval": "Persetujuan",
    "By": "Oleh",
    "{n} post(s) need approval and will be skipped (not approved) until someone runs "
    "`campaignctl approve CAMPAIGN[/POST] --by NAME`.":
        "{n} unggahan memerlukan persetujuan dan akan dilewati (belum disetujui) sampai "
        "seseorang menjalankan `campaignctl approve CAMPAIGN[/POST] --by NAME`.",
    "announce posts at once and asks first":
        "announce langsung mengunggah dan meminta konfirmasi dulu",
    "Post this now on {where}?\n{text}": "Unggah ini sekarang di {where}?\n{text}",
    "{channel}: left out: {reason}": "{channel}: tidak diikutkan: {reason}",
    "unknown format {fmt!r}": "format {fmt!r} tidak dikenal",
    "unknown schema {kind!r}": "skema {kind!r} tidak dikenal",
    "{channel} is rate limited by the platform until {at}: {reason}":
        "{channel} dibatasi lajunya oleh platform sampai {at}: {reason}",
    "{channel} is rate limited until {at}; it goes out on a later run":
        "{channel} terkena batas laju sampai {at}; unggahan ini dikirim pada proses berikutnya",
    "use `campaignctl schema campaign` or `campaignctl schema channels`":
        "gunakan `campaignctl schema campaign` atau `campaignctl schema channels`",
    "use --format table, csv or json": "gunakan --format table, csv atau json",
    "The audit trail is empty.": "Jejak audit masih kosong.",
    "Who": "Siapa",
    "Action": "Tindakan",
    "What": "Apa",
    "Details": "Rincian",
    "the ledger database failed: {error}": "basis data ledger gagal: {error}",
    "check that the database is reachable and not full, then run the command again; nothing "
    "is sent twice":
        "pastikan basis data dapat dihubungi dan tidak penuh, lalu jalankan perintah lagi; tidak "
        "ada yang terkirim dua kali",
    "no channel {name!r} in channels.yaml": "tidak ada kanal {name!r} di channels.yaml",
    "channels here: {names}": "kanal yang ada di sini: {names}",
    "a pause needs a reason": "jeda memerlukan alasan",
    'say why with --reason, e.g. --reason "banjir: tunda semua posting"':
        'sebutkan alasannya dengan --reason, mis. --reason "banjir: tunda semua posting"',
    "every channel is paused ({reason}); a single channel cannot be resumed from it":
        "semua kanal sedang dijeda ({reason}); satu kanal saja tidak dapat dilanjutkan dari "
        "jeda itu",
    "run `campaignctl resume` to lift the pause on every channel, then pause the channels that "
    "must stay stopped with --channel":
        "jalankan `campaignctl resume` untuk mencabut jeda di semua kanal, lalu jeda lagi kanal "
        "yang harus tetap berhenti dengan --channel",
    # approval states and audit actions, shown through t(state) / t(action)
    "approved": "disetujui",
    "void": "batal",
    "state": "perubahan keadaan",
    "pause": "jeda",
    "resume": "lanjut",
    "approve": "setujui",
    "emergency": "darurat",
    "announce": "umumkan",
    "retract": "tarik",
})

# scheduler.py, cli_service.py
MESSAGES.update({
    "the service was not running at this wake; catching up now":
        "layanan tidak berjalan pada waktu bangun ini; menyusul sekarang",
    "a pass was still sending; its posts are left for reconcile":
        "satu putaran masih mengirim; unggahannya diserahkan ke rekonsiliasi",
    "nothing left to schedule": "tidak ada lagi yang perlu dijadwalkan",
    "{n} s ago": "{n} detik lalu",
    "{n} min ago": "{n} menit lalu",
    "{n} h ago": "{n} jam lalu",
    "{n} days ago": "{n} hari lalu",
    "scheduler on {host} (node {node}) stopped {ago}":
        "penjadwal di {host} (node {node}) berhenti {ago}",
    "scheduler on {host} (node {node}) last seen {ago} (down?)":
        "penjadwal di {host} (node {node}) terakhir terlihat {ago} (mati?)",
    "scheduler up on {host} (node {node}, pid {pid}), next post at {when}":
        "penjadwal aktif di {host} (node {node}, pid {pid}), unggahan berikutnya pada {when}",
    "scheduler up on {host} (node {node}, pid {pid}), nothing scheduled":
        "penjadwal aktif di {host} (node {node}, pid {pid}), tidak ada yang terjadwal",
})

# report.py, cli_report.py
MESSAGES.update({
    "Wrote {path}": "{path} sudah ditulis",
    "cannot open channel {name}: {reason}": "kanal {name} tidak dapat dibuka: {reason}",
    "not measured this time: {name} allows {n} calls per {minutes} min; run "
    "`campaignctl report --refresh` later for the rest":
        "tidak diukur kali ini: {name} mengizinkan {n} panggilan per {minutes} menit; jalankan "
        "`campaignctl report --refresh` nanti untuk sisanya",
    "later": "nanti",
    "rate limited by {name} until {when}: run `campaignctl report --refresh` after that":
        "dibatasi oleh {name} sampai {when}: jalankan `campaignctl report --refresh` setelah itu",
    "no access to {name}: {reason}": "tidak ada akses ke {name}: {reason}",
    "{name} failed: {reason}": "{name} gagal: {reason}",
    "{name} did not return this post": "{name} tidak mengembalikan unggahan ini",
    "{name} returned no numbers": "{name} tidak mengembalikan angka",
    "bad --map {item!r}": "--map {item!r} salah",
    'write COLUMN=FIELD with FIELD one of {fields}, e.g. --map "Kampanye=utm_campaign"':
        'tulis COLUMN=FIELD dengan FIELD salah satu dari {fields}, mis. '
        '--map "Kampanye=utm_campaign"',
    "cannot read {path}: {reason}": "{path} tidak dapat dibaca: {reason}",
    "give the CSV exported from Matomo or Google Analytics":
        "berikan CSV hasil ekspor dari Matomo atau Google Analytics",
    "{path} is not UTF-8 text": "{path} bukan teks UTF-8",
    "export the report as CSV (UTF-8) and try again":
        "ekspor laporan sebagai CSV (UTF-8) lalu coba lagi",
    "{path} has no rows": "{path} tidak memiliki baris",
    "export the campaign report with its rows as CSV":
        "ekspor laporan kampanye beserta barisnya sebagai CSV",
    "{path} has no column {column!r}": "{path} tidak memiliki kolom {column!r}",
    "columns there: {names}": "kolom yang ada: {names}",
    "{path}: cannot tell which column holds {fields}":
        "{path}: tidak dapat menentukan kolom mana yang berisi {fields}",
    'name them with --map, e.g. --map "My column=utm_source"; columns there: {names}':
        'sebutkan dengan --map, mis. --map "My column=utm_source"; kolom yang ada: {names}',
    "{path}:{line}: {value!r} is not a number of conversions":
        "{path}:{line}: {value!r} bukan jumlah konversi",
    'map the right column with --map "COLUMN=conversions"':
        'petakan kolom yang benar dengan --map "COLUMN=conversions"',
    "never measured: run `campaignctl report --refresh`":
        "belum pernah diukur: jalankan `campaignctl report --refresh`",
    "n/a": "t/a",
    "Nothing published yet: publish first (campaignctl publish), then run the report again.":
        "Belum ada yang terbit: terbitkan dulu (campaignctl publish), lalu jalankan laporan lagi.",
    "Reach {reach} · engagement {eng} ({rate}) · {posts} posts, {gaps} with gaps":
        "Jangkauan {reach} · interaksi {eng} ({rate}) · {posts} unggahan, {gaps} tanpa data",
    "conversions {n}": "konversi {n}",
    "Reach": "Jangkauan",
    "Likes": "Suka",
    "Comments": "Komentar",
    "Shares": "Dibagikan",
    "Engagement": "Interaksi",
    "Rate": "Tingkat",
    "Conversions": "Konversi",
    "Gaps": "Data kosong",
    "Best posts:": "Unggahan terbaik:",
    "engagement {eng}, reach {reach}": "interaksi {eng}, jangkauan {reach}",
    "Most response around {hour}:00 ({zone}), from {basis}.":
        "Tanggapan terbanyak sekitar pukul {hour}:00 ({zone}), berdasarkan {basis}.",
    # filled into {basis} above
    "snapshot deltas": "selisih antar-pengukuran",
    "publish times": "waktu terbit",
    "Gaps (no numbers, with the reason):": "Data kosong (tanpa angka, beserta alasannya):",
    "no measurements yet": "belum ada pengukuran",
    "Numbers as collected at {when}; `--refresh` collects them again now.":
        "Angka sesuai pengumpulan pada {when}; `--refresh` mengumpulkannya lagi sekarang.",
})

# report_html.py
MESSAGES.update({
    "Campaign report": "Laporan kampanye",
    "What the campaign achieved, from each platform's own numbers.":
        "Capaian kampanye, menurut angka dari masing-masing platform.",
    "Report made {when}.": "Laporan dibuat {when}.",
    "Nothing has been published yet, so there is nothing to measure.":
        "Belum ada yang diterbitkan, jadi belum ada yang dapat diukur.",
    "Reach = impressions (X), people who saw the post (Facebook Page insights) or views "
    "(YouTube, TikTok). Engagement = likes/reactions + comments/replies + "
    "shares/reposts (+ quotes and bookmarks on X). Rate = engagement ÷ reach, over posts whose "
    "reach is known. n/a means the number is unknown, not zero.":
        "Jangkauan = tayangan (X), orang yang melihat unggahan (insights Halaman Facebook) atau "
        "penayangan (YouTube, TikTok). Interaksi = "
        "suka/reaksi + komentar/balasan + bagikan/unggah ulang (+ kutipan dan markah di X). "
        "Tingkat = interaksi ÷ jangkauan, dari unggahan yang jangkauannya diketahui. t/a berarti "
        "angkanya tidak diketahui, bukan nol.",
    "times the posts were seen": "kali unggahan dilihat",
    "likes, comments and shares": "suka, komentar, dan bagikan",
    "Engagement rate": "Tingkat interaksi",
    "engagement per view, where views are known":
        "interaksi per penayangan, bila penayangan diketahui",
    "from the website's analytics": "dari analitik situs web",
    "Posts published": "Unggahan yang terbit",
    "{n} measured": "{n} terukur",
    "posts without numbers (see below)": "unggahan tanpa angka (lihat di bawah)",
    "{posts} posts went out. They were seen {reach} times and people responded {eng} times.":
        "{posts} unggahan terbit. Unggahan itu dilihat {reach} kali dan mendapat {eng} tanggapan.",
    "Most responses came on {channel}.": "Tanggapan terbanyak datang di {channel}.",
    "People responded most around {hour}:00 ({zone}).":
        "Masyarakat paling banyak menanggapi sekitar pukul {hour}:00 ({zone}).",
    "The website counted {n} conversions from these links.":
        "Situs web mencatat {n} konversi dari tautan ini.",
    "times in {zone}": "waktu menurut {zone}",
    "By channel": "Per kanal",
    "Engagement per channel": "Interaksi per kanal",
    "Engagement over time, per channel": "Interaksi dari waktu ke waktu, per kanal",
    "Engagement over time": "Interaksi dari waktu ke waktu",
    "from how engagement grew between measurements":
        "berdasarkan pertumbuhan interaksi di antara pengukuran",
    "from publish times, weighted by engagement (measure more often for a finer picture)":
        "berdasarkan waktu terbit, dibobot dengan interaksi (ukur lebih sering untuk gambaran "
        "yang lebih rinci)",
    "When people responded": "Kapan masyarakat menanggapi",
    "Hour of day and day of week in {zone}, {basis}.": "Jam dan hari menurut {zone}, {basis}.",
    "Responses by hour of day": "Tanggapan per jam",
    "Responses by day of week": "Tanggapan per hari",
    "on": "di",
    "responses": "tanggapan",
    "views": "penayangan",
    "open": "buka",
    "Best posts": "Unggahan terbaik",
    "Calendar: what went out when": "Kalender: apa yang terbit dan kapan",
    "Engagement of {post} on {channel} over time":
        "Interaksi {post} di {channel} dari waktu ke waktu",
    "Over time": "Dari waktu ke waktu",
    "Every post": "Semua unggahan",
    "No web-analytics export was given: add --conversions FILE.csv to see how many people acted "
    "on the links.":
        "Tidak ada ekspor analitik web yang diberikan: tambahkan --conversions FILE.csv untuk "
        "melihat berapa banyak orang yang menindaklanjuti tautan.",
    "other sources of this campaign": "sumber lain kampanye ini",
    "People who acted on the links (utm_source = channel, utm_content = post).":
        "Orang yang menindaklanjuti tautan (utm_source = kanal, utm_content = unggahan).",
    "Every published post has numbers.": "Semua unggahan yang terbit sudah memiliki angka.",
    "numbers shown are from {when}": "angka yang ditampilkan berasal dari {when}",
    "Gaps: posts without current numbers": "Data kosong: unggahan tanpa angka terkini",
    "These are unknown, not zero. Most clear up on the next `campaignctl report --refresh`.":
        "Angka ini tidak diketahui, bukan nol. Sebagian besar akan terisi pada "
        "`campaignctl report --refresh` berikutnya.",
    "not embedded: {size} MB is over the 2 MB preview cap":
        "tidak disematkan: {size} MB melebihi batas pratinjau 2 MB",
    "file not found": "berkas tidak ditemukan",
    "no alt text": "tanpa teks alternatif",
    "Preview: what will be posted": "Pratinjau: apa yang akan diunggah",
    "{n} posts, shown as each platform will show them.":
        "{n} unggahan, ditampilkan seperti yang akan ditampilkan masing-masing platform.",
    "{n} problems to fix first": "{n} masalah yang harus diperbaiki dulu",
    "Preview": "Pratinjau",
    "Posts without numbers yet: {n}; the reasons are listed at the end.":
        "Unggahan yang belum memiliki angka: {n}; alasannya tercantum di bagian akhir.",
    "numbers collected {when}": "angka dikumpulkan {when}",
    # day names (WEEKDAYS), shown through t(day)
    "Mon": "Sen",
    "Tue": "Sel",
    "Wed": "Rab",
    "Thu": "Kam",
    "Fri": "Jum",
    "Sat": "Sab",
    "Sun": "Min",
})

# Logging in: channels/oauth.py and each platform's login (channels/*.py)
MESSAGES.update({
    "Not the login page.": "Ini bukan halaman login.",
    "campaignctl login was not completed. You can close this tab and return to the terminal.":
        "Login campaignctl tidak selesai. Anda dapat menutup tab ini dan kembali ke terminal.",
    "campaignctl login complete. You can close this tab and return to the terminal.":
        "Login campaignctl selesai. Anda dapat menutup tab ini dan kembali ke terminal.",
    # filled into the {again} of the hints below
    "run `campaignctl channels login {name}` again":
        "jalankan lagi `campaignctl channels login {name}`",
    "no answer from the {platform} login page within {secs} seconds":
        "tidak ada jawaban dari halaman login {platform} dalam {secs} detik",
    "{again} and finish the consent in the browser (with --no-browser, open the printed "
    "address yourself)":
        "{again} dan selesaikan pemberian izin di peramban (dengan --no-browser, buka sendiri "
        "alamat yang tercetak)",
    "the {platform} login of {name} was refused in the browser (access_denied)":
        "login {platform} untuk {name} ditolak di peramban (access_denied)",
    "{again} and allow every permission campaignctl asks for":
        "{again} dan izinkan semua akses yang diminta campaignctl",
    "the {platform} login page answered with an error: {error} {described}":
        "halaman login {platform} menjawab dengan kesalahan: {error} {described}",
    "{again}; if it repeats, check the app's redirect URI and client settings at {platform}":
        "{again}; bila berulang, periksa redirect URI dan pengaturan klien aplikasi di {platform}",
    "the {platform} login answer does not belong to this login attempt (state differs)":
        "jawaban login {platform} bukan milik percobaan login ini (state berbeda)",
    "{again}, and close older login tabs before you allow access":
        "{again}, dan tutup tab login yang lama sebelum Anda mengizinkan akses",
    "the {platform} login page sent no authorization code":
        "halaman login {platform} tidak mengirim kode otorisasi",
    "no token store to keep the Facebook login in":
        "tidak ada penyimpanan token untuk menyimpan login Facebook",
    "none": "tidak ada",
    "the Facebook user who logged in does not manage Page {page} (manages: {names})":
        "pengguna Facebook yang login tidak mengelola Page {page} (yang dikelola: {names})",
    "log in as an admin of Page {page}, or correct options.page_id of {name}":
        "login sebagai admin Page {page}, atau perbaiki options.page_id milik {name}",
    "Facebook refused the login of {name}: {message}": "Facebook menolak login {name}: {message}",
    "run `campaignctl channels login {name}` again; check app_id, app_secret and the app's "
    "valid OAuth redirect URIs":
        "jalankan lagi `campaignctl channels login {name}`; periksa app_id, app_secret, dan "
        "valid OAuth redirect URI aplikasi",
    "Facebook sent an unreadable answer to the login":
        "Facebook mengirim jawaban login yang tidak dapat dibaca",
    "no token store to keep the TikTok login in":
        "tidak ada penyimpanan token untuk menyimpan login TikTok",
    # filled into "{what}" of the TikTok messages
    "log in": "login",
    "TikTok refused the login code of {name}: {code} {described}":
        "TikTok menolak kode login {name}: {code} {described}",
    "run `campaignctl channels login {name}` again; check the client key and secret and that "
    "{uri} is a registered redirect URI":
        "jalankan lagi `campaignctl channels login {name}`; periksa client key dan secret, dan "
        "pastikan {uri} terdaftar sebagai redirect URI",
    "the TikTok login of {name} did not grant {scopes}":
        "login TikTok untuk {name} tidak memberikan {scopes}",
    "run `campaignctl channels login {name}` again and allow every permission; the app needs "
    "these scopes approved in the TikTok developer portal":
        "jalankan lagi `campaignctl channels login {name}` dan izinkan semua akses; cakupan ini "
        "harus disetujui untuk aplikasi di portal pengembang TikTok",
    "{name} signs in with OAuth 1.0a keys, which have no browser login":
        "{name} masuk dengan kunci OAuth 1.0a, yang tidak memiliki login lewat peramban",
    "set consumer_key, consumer_secret, access_token and access_token_secret in .env, or "
    "replace them by client_id (and client_secret) under channels.{name}.credentials to log in "
    "with OAuth 2.0":
        "isi consumer_key, consumer_secret, access_token dan access_token_secret di .env, atau "
        "ganti dengan client_id (dan client_secret) di bawah channels.{name}.credentials untuk "
        "login dengan OAuth 2.0",
    "no token store to keep the X login in": "tidak ada penyimpanan token untuk menyimpan login X",
    "Google refused the YouTube login code ({reason})":
        "Google menolak kode login YouTube ({reason})",
    "Open this address to give consent: {url}": "Buka alamat ini untuk memberikan izin: {url}",
    "--paste-token is for Facebook accounts": "--paste-token hanya untuk akun Facebook",
    "Short-lived user token": "Token pengguna berumur pendek",
    "X refused the login code of {name}: {error}": "X menolak kode login {name}: {error}",
    "{again}; check the app's client ID/secret and that its callback URL is {uri}":
        "{again}; periksa client ID/secret aplikasi dan pastikan callback URL-nya {uri}",
    "X gave {name} no refresh token, so the login would end within hours":
        "X tidak memberikan token penyegar (refresh token) kepada {name}, sehingga login akan "
        "berakhir dalam beberapa jam",
    "{again} and allow offline access": "{again} dan izinkan akses offline",
})

# cli.py publish progress; output.py governance status
MESSAGES.update({
    "publishing…": "menerbitkan…",
    "publishing… {done}": "menerbitkan… {done}",
    "PAUSED {where} since {at} by {who}: {reason}":
        "DIJEDA {where} sejak {at} oleh {who}: {reason}",
    "Approvals of upcoming posts: {approved} approved, {void} void (edited since), {missing} "
    "missing, of {required} required":
        "Persetujuan unggahan mendatang: {approved} disetujui, {void} batal (diubah setelahnya), "
        "{missing} belum ada, dari {required} yang wajib",
    "Approved by: {names}": "Disetujui oleh: {names}",
})

# cli.py and channels/__init__.py, wrapped late (the lead's pass).
MESSAGES.update({
    "interrupted": "dihentikan",
    "{value!r} is not a date or date-time": "{value!r} bukan tanggal atau tanggal-waktu",
    "write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'": "tulis YYYY-MM-DD atau 'YYYY-MM-DD HH:MM'",
    "use --format text, github or json": "gunakan --format text, github, atau json",
    "use --format text, markdown or json": "gunakan --format text, markdown, atau json",
    "--only and --now cannot be combined": "--only dan --now tidak dapat dipakai bersamaan",
    "use one of them": "gunakan salah satunya",
    "publish refused: fix the campaign files first (campaignctl validate)":
        "penerbitan ditolak: perbaiki berkas kampanye terlebih dahulu (campaignctl validate)",
    "CAMPAIGNCTL_NOW={pinned!r} is not an ISO date-time with an offset":
        "CAMPAIGNCTL_NOW={pinned!r} bukan tanggal-waktu ISO dengan selisih zona waktu",
    "no channel named {name!r} in channels.yaml":
        "tidak ada kanal bernama {name!r} di channels.yaml",
    "use one of: {names}": "gunakan salah satu dari: {names}",
})

# Video length checks (validate and TikTok publish).
MESSAGES.update({
    # media.human_duration: "2 min 20 s" -> "2 mnt 20 dtk" (the decimal comma is done in code)
    "{n} h": "{n} jam",
    "{n} min": "{n} mnt",
    "{n} s": "{n} dtk",
    # rules.py (validate)
    "video {path} is {length} long; {platform} accepts at most {limit}":
        "video {path} berdurasi {length}; {platform} menerima paling lama {limit}",
    "video {path} is {length} long; {platform} accepts videos over {limit} only from a "
    "verified channel":
        "video {path} berdurasi {length}; {platform} hanya menerima video lebih dari {limit} "
        "dari kanal yang terverifikasi",
    "video {path} is {length} long; {platform} needs at least {limit}":
        "video {path} berdurasi {length}; {platform} memerlukan paling singkat {limit}",
    "trim it, or post it to YouTube and link to it":
        "potong videonya, atau unggah ke YouTube lalu tautkan",
    "trim it or split it into shorter videos":
        "potong videonya atau bagi menjadi beberapa video yang lebih pendek",
    "verify the {platform} channel (it takes a phone number) or trim the video":
        "verifikasi kanal {platform} (perlu nomor telepon) atau potong videonya",
    "use a longer clip, or attach a picture instead":
        "gunakan klip yang lebih panjang, atau lampirkan gambar sebagai gantinya",
    # channels/tiktok.py (publish)
    "{file} is {length} long; this TikTok account may post videos of at most {limit}":
        "{file} berdurasi {length}; akun TikTok ini hanya boleh mengunggah video paling lama "
        "{limit}",
})

# Facebook reach from Page post insights.
MESSAGES.update({
    "Facebook gave no reach for this post yet (insights empty)":
        "Facebook belum memberi jangkauan untuk unggahan ini (insights kosong)",
    "no reach: the Page token may not read insights (Graph error {code}); log in again with "
    "read_insights and pages_read_engagement: `campaignctl channels login {name}`":
        "tidak ada jangkauan: token Halaman tidak punya izin membaca insights (galat Graph "
        "{code}); masuk lagi dengan read_insights dan pages_read_engagement: `campaignctl "
        "channels login {name}`",
    "no reach: rate limited by {name} until {when}":
        "tidak ada jangkauan: dibatasi laju oleh {name} sampai {when}",
    "no reach: Facebook refused the insights request: {reason}":
        "tidak ada jangkauan: Facebook menolak permintaan insights: {reason}",
    "no reach: {reason}":
        "tidak ada jangkauan: {reason}",
    "no reach: Facebook accepts none of the reach metrics ({names})":
        "tidak ada jangkauan: Facebook tidak menerima satu pun metrik jangkauan ({names})",
})

# Facebook resumable video upload.
MESSAGES.update({
    "the video file {path} changed during the upload to Facebook":
        "berkas video {path} berubah selama diunggah ke Facebook",
    "let the file be written completely, then publish again":
        "tunggu sampai berkas selesai ditulis, lalu terbitkan lagi",
})

# Media file sizes (validate).
MESSAGES.update({
    "{path} is {size}; {platform} accepts pictures up to {limit}":
        "{path} berukuran {size}; {platform} menerima gambar paling besar {limit}",
    "{path} is {size}; {platform} accepts GIFs up to {limit}":
        "{path} berukuran {size}; {platform} menerima GIF paling besar {limit}",
    "{path} is {size}; {platform} accepts videos up to {limit}":
        "{path} berukuran {size}; {platform} menerima video paling besar {limit}",
    "{path} is {size}; {platform} recommends pictures under {limit}":
        "{path} berukuran {size}; {platform} menyarankan gambar di bawah {limit}",
    "thumbnail {path} is {size}; {platform} accepts thumbnails up to {limit}":
        "thumbnail {path} berukuran {size}; {platform} menerima thumbnail paling besar {limit}",
    "make it smaller (export as JPEG, or reduce its size)":
        "perkecil berkasnya (ekspor sebagai JPEG, atau kurangi ukurannya)",
    "make it smaller (fewer frames or a smaller size), or attach it as an MP4 video":
        "perkecil berkasnya (kurangi jumlah bingkai atau ukurannya), atau lampirkan sebagai "
        "video MP4",
    "compress it (a lower bitrate or resolution), or trim it":
        "kompres videonya (bitrate atau resolusi lebih rendah), atau potong videonya",
})

# YouTube thumbnail (validate).
MESSAGES.update({
    "thumbnail file {path} does not exist": "berkas gambar mini {path} tidak ada",
})
