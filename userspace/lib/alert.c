// SPDX-License-Identifier: GPL-2.0
/*
 * Building alert records as json-c objects, fields in contract order:
 * time, seq, kind, severity, module, action, message, source, detail, ocsf.
 */
#include "alert.h"
#include "names.h"
#include "timefmt.h"

static json_object *ocsf_json(const struct kw_alert *a)
{
	unsigned int cls = kw_kind_ocsf_class(a->kind);
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "class_uid", json_object_new_int(cls));
	json_object_object_add(o, "class_name",
			       json_object_new_string(kw_ocsf_class_name(cls)));
	json_object_object_add(o, "category_uid",
			       json_object_new_int(kw_ocsf_category(cls)));
	json_object_object_add(o, "severity_id",
			       json_object_new_int(kw_ocsf_severity_id(a->severity)));
	json_object_object_add(o, "time",
			       json_object_new_int64(a->time_ns / 1000000));
	return o;
}

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

json_object *kw_alert_json(struct kw_alert *a)
{
	json_object *detail = a->detail ? a->detail : json_object_new_object();
	char when[KW_TIME_LEN];
	json_object *o;

	a->detail = NULL;
	if (!kw_kind_name(a->kind) || !kw_severity_name(a->severity) ||
	    !kw_action_name(a->action) || !a->source || !a->message ||
	    kw_time_format(a->time_ns, when, sizeof(when)) < 0) {
		json_object_put(detail);
		return NULL;
	}
	o = json_object_new_object();
	if (!o) {
		json_object_put(detail);
		return NULL;
	}
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "seq", json_object_new_uint64(0));
	json_object_object_add(o, "kind",
			       json_object_new_string(kw_kind_name(a->kind)));
	json_object_object_add(o, "severity",
			       json_object_new_string(kw_severity_name(a->severity)));
	json_object_object_add(o, "module", str_or_null(a->module));
	json_object_object_add(o, "action",
			       json_object_new_string(kw_action_name(a->action)));
	json_object_object_add(o, "message", json_object_new_string(a->message));
	json_object_object_add(o, "source", json_object_new_string(a->source));
	json_object_object_add(o, "detail", detail);
	json_object_object_add(o, "ocsf", ocsf_json(a));
	return o;
}

void kw_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

json_object *kw_rec_obj(json_object *rec, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, key, &v))
		return NULL;
	return v;
}

const char *kw_rec_str(json_object *rec, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

uint64_t kw_rec_u64(json_object *rec, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_uint64(v);
}

void kw_rec_add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val && *val ? json_object_new_string(val)
						   : NULL);
}

void kw_rec_add_int(json_object *o, const char *key, long long val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

void kw_rec_merge(json_object *o, json_object *extra)
{
	if (!extra)
		return;
	json_object_object_foreach(extra, key, val)
		json_object_object_add(o, key, json_object_get(val));
	json_object_put(extra);
}
