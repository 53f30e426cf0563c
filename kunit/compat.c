// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit's deferred actions for kernels before 6.4 (see compat.h): each
 * action is a KUnit resource of its own.  A test's resources are released
 * in the reverse order of their creation when the test ends, actions and
 * allocations alike, as in 6.4 and later.
 */

#include <linux/slab.h>

#include "compat.h"

#if IS_ENABLED(CONFIG_KUNIT) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)

struct rd_kunit_action {
	struct kunit_resource res;
	kunit_action_t *action;		/* NULL once cancelled */
	void *ctx;
};

struct rd_kunit_action_key {
	kunit_action_t *action;
	void *ctx;
};

static void rd_kunit_action_free(struct kunit_resource *res)
{
	struct rd_kunit_action *a = container_of(res, struct rd_kunit_action,
						 res);

	if (a->action)
		a->action(a->ctx);
	kfree(a);
}

static bool rd_kunit_action_match(struct kunit *test,
				  struct kunit_resource *res, void *match_data)
{
	struct rd_kunit_action_key *key = match_data;
	struct rd_kunit_action *a;

	if (res->free != rd_kunit_action_free)
		return false;
	a = container_of(res, struct rd_kunit_action, res);
	return a->action == key->action && a->ctx == key->ctx;
}

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct rd_kunit_action *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->action = action;
	a->ctx = ctx;
	return kunit_add_resource(test, NULL, rd_kunit_action_free, &a->res, a);
}

int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx)
{
	int ret = kunit_add_action(test, action, ctx);

	if (ret)
		action(ctx);
	return ret;
}

/* The newest matching action: run it now (@run) or never, and forget it. */
static void rd_kunit_action_end(struct kunit *test, kunit_action_t *action,
				void *ctx, bool run)
{
	struct rd_kunit_action_key key = { .action = action, .ctx = ctx };
	struct kunit_resource *res;

	res = kunit_find_resource(test, rd_kunit_action_match, &key);
	if (!res)
		return;
	if (!run)
		container_of(res, struct rd_kunit_action, res)->action = NULL;
	kunit_remove_resource(test, res);
	/* The reference kunit_find_resource() took: the last one. */
	kunit_put_resource(res);
}

void kunit_remove_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	rd_kunit_action_end(test, action, ctx, false);
}

void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx)
{
	rd_kunit_action_end(test, action, ctx, true);
}

#endif
