// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: control protocol parsers. A request line is either
 * refused with a one-line reason or accepted as a request that rebuilds
 * to an equivalent one; reply lines are classified without a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct kw_request *req)
{
	struct kw_request again;
	json_object *o = kw_request_json(req);
	const char *s = json_object_to_json_string_ext(o,
						       JSON_C_TO_STRING_PLAIN);
	char err[256];

	if (kw_request_parse(s, strlen(s), &again, err, sizeof(err)) ||
	    again.cmd != req->cmd || again.follow != req->follow ||
	    again.filter.kind != req->filter.kind ||
	    strcmp(again.filter.module, req->filter.module) ||
	    again.filter.since_ns / 1000 != req->filter.since_ns / 1000 ||
	    (req->cmd == KW_CMD_UNLOCK &&
	     (again.unlock_s != req->unlock_s ||
	      memcmp(again.key, req->key, sizeof(req->key)))))
		abort();
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kw_request req;
	json_object *o;
	char err[256];

	if (kw_request_parse((const char *)data, size, &req, err,
			     sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
	} else {
		round_trip(&req);
	}
	if (kw_reply_parse((const char *)data, size, &o, err, sizeof(err)) >= 0)
		json_object_put(o);
	return 0;
}
