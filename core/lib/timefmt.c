/*
 * timefmt.c - reading and writing the timestamps transcripts use.
 */
#include <transcriptd/text.h>

#include <stdio.h>

static size_t read_digits(const char *s, size_t len, size_t max, long long *v)
{
    size_t i = 0;
    *v = 0;
    while (i < len && i < max && s[i] >= '0' && s[i] <= '9')
        *v = *v * 10 + (s[i++] - '0');
    return i;
}

size_t td_time_parse(const char *s, size_t len, td_ms *out)
{
    long long parts[3], v;
    size_t i = 0, n, nparts = 0;

    n = read_digits(s, len, 6, &v);
    if (n == 0)
        return 0;
    parts[nparts++] = v;
    i = n;
    while (nparts < 3 && i < len && s[i] == ':') {
        n = read_digits(s + i + 1, len - i - 1, 2, &v);
        if (n != 2 || v > 59)
            break;
        parts[nparts++] = v;
        i += 1 + n;
    }
    if (nparts < 2)
        return 0;   /* a lone number is a word, not a time */
    /* "1:2:3:4" or "12:345" is not a time either. */
    if (i < len && (s[i] == ':' || (s[i] >= '0' && s[i] <= '9')))
        return 0;

    long long ms = 0;
    for (size_t k = 0; k < nparts; k++)
        ms = ms * 60 + parts[k];
    ms *= 1000;

    if (i + 1 < len && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
        long long frac = 0, scale = 100;
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            frac += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        ms += frac;
    }
    *out = ms;
    return i;
}

char *td_time_format(td_ms ms, bool shortform, char buf[24])
{
    if (ms < 0) {
        buf[0] = '\0';
        return buf;
    }
    long long s = ms / 1000;
    long long h = s / 3600, m = s / 60 % 60, sec = s % 60;
    if (shortform && h == 0)
        snprintf(buf, 24, "%lld:%02lld", m, sec);
    else
        snprintf(buf, 24, "%lld:%02lld:%02lld", h, m, sec);
    return buf;
}
