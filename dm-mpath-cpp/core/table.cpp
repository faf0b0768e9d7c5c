// SPDX-License-Identifier: GPL-2.0
//
// The constructor and destructor: the table grammar, word for word as the
// kernel's multipath target reads it, with its error strings and limits.
#include "multipath.hpp"

namespace mpath {

int Multipath::parse_features(ArgSet &as, const char **error)
{
	// Mainline's 8 words, plus 2 for our io_timeout_msecs.
	static constexpr ArgSpec kCount = {0, 10, "invalid number of feature args"};
	static constexpr ArgSpec kRetries = {1, 50, "pg_init_retries must be between 1 and 50"};
	static constexpr ArgSpec kDelay = {0, 60000,
					   "pg_init_delay_msecs must be between 0 and 60000"};
	static constexpr ArgSpec kIoTimeout = {0, kIoTimeoutMax,
					       "io_timeout_msecs must be between 0 and 600000"};
	unsigned int argc;
	bool queue_mode_set = false;
	bool want_bio = false;

	if (!as.read_group(kCount, &argc, error))
		return -kEINVAL;
	// More than mainline's 8 words only with the extra feature, so that
	// every other table gets mainline's error.
	if (argc > 8) {
		bool extra = false;

		for (unsigned int i = 0; i < argc; i++)
			extra |= word_is(as.words()[i], "io_timeout_msecs");
		if (!extra) {
			*error = kCount.error;
			return -kEINVAL;
		}
	}

	while (argc) {
		const char *name = as.shift();

		argc--;
		if (word_is(name, "queue_if_no_path")) {
			queue_if_no_path_ = true;
		} else if (word_is(name, "retain_attached_hw_handler")) {
			// 7.2 always adopts an attached handler: the word stays valid.
			if (!since(MP_IFACE_7_2))
				retain_attached_hw_handler_ = true;
		} else if (word_is(name, "pg_init_retries") && argc >= 1) {
			argc--;
			if (!as.read(kRetries, &pg_init_retries_, error))
				return -kEINVAL;
		} else if (word_is(name, "pg_init_delay_msecs") && argc >= 1) {
			argc--;
			if (!as.read(kDelay, &pg_init_delay_msecs_, error))
				return -kEINVAL;
		} else if (word_is(name, "io_timeout_msecs") && argc >= 1) {
			argc--;
			unsigned int msecs;

			if (!as.read(kIoTimeout, &msecs, error))
				return -kEINVAL;
			io_timeout_ms_.init(msecs);
			io_timeout_in_table_ = true;
		} else if (word_is(name, "queue_mode") && argc >= 1) {
			const char *mode = as.shift();

			argc--;
			if (word_is(mode, "bio")) {
				want_bio = true;
			} else if (word_is(mode, "rq") || word_is(mode, "mq")) {
				want_bio = false;
			} else {
				*error = "Unknown 'queue_mode' requested";
				return -kEINVAL;
			}
			queue_mode_set = true;
		} else {
			*error = "Unrecognised multipath feature request";
			return -kEINVAL;
		}
	}

	if (bio_only_) {
		// No scsi_dh management: it keeps the handler attached.
		retain_attached_hw_handler_ = !since(MP_IFACE_7_2);
		if (queue_mode_set && !want_bio) {
			*error = "bio_multipath is bio-based only: use target multipath for "
				 "queue_mode rq";
			return -kEINVAL;
		}
		return 0;
	}
	bio_mode_ = want_bio;
	// Bio mode has no scsi_dh management; it keeps what is attached.
	if (bio_mode_ && !since(MP_IFACE_7_2))
		retain_attached_hw_handler_ = true;
	return 0;
}

// <#args> [<name> [<handler args>...]]
int Multipath::parse_hw_handler(ArgSet &as, const char **error)
{
	static constexpr ArgSpec kCount = {0, 1024, "invalid number of hardware handler args"};
	unsigned int argc, len = 0;

	if (!as.read_group(kCount, &argc, error))
		return -kEINVAL;
	if (!argc)
		return 0;
	if (bio_mode_) {
		as.consume(argc);
		mpg_log(MP_LOG_ERR, "bio-based multipath doesn't allow hardware handler args");
		return 0;
	}

	hw_handler_ = mpg_strdup(as.shift());
	if (!hw_handler_)
		return -kEINVAL;
	if (--argc == 0)
		return 0;

	// scsi_dh_set_params() wants "<count>\0<arg>\0<arg>\0".
	for (unsigned int i = 0; i < argc; i++)
		len += text::length(as.words()[i]) + 1;
	len += 12;
	hw_handler_params_ = new char[len]();
	if (!hw_handler_params_) {
		*error = "memory allocation failed";
		return -kENOMEM;
	}
	char *p = hw_handler_params_;

	p += mpg_scnprintf(p, len, "%u", argc) + 1;
	for (unsigned int i = 0; i < argc; i++)
		p += mpg_scnprintf(p, len - (p - hw_handler_params_), "%s", as.words()[i]) + 1;
	as.consume(argc);
	return 0;
}

// A path of a SCSI device: attach the table's handler, or adopt the one
// already attached when the table says to retain it (bio mode always does;
// 7.2 always adopts it).
int Multipath::setup_handler(Path &path, const char **error)
{
	char *attached = nullptr;
	int r = mpg_dh_attached_name(path.dev, &attached);

	if (r && since(MP_IFACE_7_2)) {
		if (r != -kENODEV) {
			*error = "error allocating handler name";
			return r;
		}
		// Not SCSI: the map goes on without a handler.
		if (hw_handler_) {
			mpg_log(MP_LOG_ERR, "hardware handlers are only allowed for SCSI devices");
			mpg_free(hw_handler_);
			hw_handler_ = nullptr;
		}
	}
	r = 0;
	if (!attached && !hw_handler_)
		return 0;

	path.activation = mpg_activation_alloc(ctx_, to_handle(&path), path.dev);
	if (!path.activation) {
		mpg_free(attached);
		*error = "can't allocate path activation";
		return -kENOMEM;
	}

	bool retain = retain_attached_hw_handler_ || since(MP_IFACE_7_2);

	for (;;) {
		if (retain && attached) {
			// Parameters were meant for another handler.
			if (hw_handler_ && !text::equal(attached, hw_handler_)) {
				delete[] hw_handler_params_;
				hw_handler_params_ = nullptr;
			}
			// The table text then names the handler really in use.
			mpg_free(hw_handler_);
			hw_handler_ = attached;
			attached = nullptr;
		}
		if (!hw_handler_)
			break;
		r = mpg_dh_attach(path.dev, hw_handler_);
		if (r == -kEBUSY && !retain && !since(MP_IFACE_7_2)) {
			retain = true; // another handler is attached: keep it
			continue;
		}
		if (r < 0) {
			*error = "error attaching hardware handler";
			break;
		}
		r = 0;
		if (hw_handler_params_) {
			r = mpg_dh_set_params(path.dev, hw_handler_params_);
			if (r < 0)
				*error = "unable to set hardware handler parameters";
		}
		break;
	}
	mpg_free(attached);
	return r < 0 ? r : 0;
}

// Whether dev is already a path of groups_[0..nr_groups) or of pg's first
// nr_paths paths.
bool Multipath::has_path(const mpg_dev *dev, unsigned int nr_groups, const PathGroup &pg,
			 unsigned int nr_paths) const
{
	for (unsigned int g = 0; g < nr_groups; g++)
		for (unsigned int i = 0; i < groups_[g].nr_paths; i++)
			if (groups_[g].paths[i].dev == dev)
				return true;
	for (unsigned int i = 0; i < nr_paths; i++)
		if (pg.paths[i].dev == dev)
			return true;
	return false;
}

// { <selector> <#selector args> [args] <#paths> <#per-path args> { <dev> [args] } }
// nr_before: groups already parsed, for the duplicate check.
int Multipath::parse_group(ArgSet &as, PathGroup &pg, unsigned int nr_before, const char **error)
{
	static constexpr ArgSpec kSelectorArgs = {0, 1024, "invalid number of path selector args"};
	static constexpr ArgSpec kPaths = {1, 1024, "invalid number of paths"};
	static constexpr ArgSpec kPathArgs = {0, 1024, "invalid number of selector args"};
	unsigned int selector_argc, nr_path_args;

	if (as.count() < 2) {
		as.consume(as.count());
		*error = "not enough priority group arguments";
		return -kEINVAL;
	}
	if (!pg.selector.set_policy(as.shift())) {
		*error = "unknown path selector type";
		return -kEINVAL;
	}
	if (!as.read_group(kSelectorArgs, &selector_argc, error))
		return -kEINVAL;
	if (!pg.selector.create(as.head(selector_argc))) {
		*error = "path selector constructor failed";
		return -kEINVAL;
	}
	as.consume(selector_argc);

	if (!as.read(kPaths, &pg.nr_paths, error))
		return -kEINVAL;
	if (!as.read(kPathArgs, &nr_path_args, error))
		return -kEINVAL;

	pg.paths = new Path[pg.nr_paths];
	if (!pg.paths) {
		pg.nr_paths = 0;
		*error = "couldn't allocate priority group";
		return -kENOMEM;
	}
	pg.ios = mpg_io_counts_alloc(pg.nr_paths);
	if (bio_mode_)
		pg.bio_ticks = new BioTicks[pg.nr_paths];
	if (!pg.ios || (bio_mode_ && !pg.bio_ticks)) {
		*error = "couldn't allocate path counters";
		return -kENOMEM;
	}

	for (unsigned int i = 0; i < pg.nr_paths; i++) {
		Path &path = pg.paths[i];
		ArgSet path_args = as.head(1 + nr_path_args);
		int r;

		if (as.count() < 1 + nr_path_args) {
			*error = "not enough path parameters";
			return -kEINVAL;
		}
		path.pg = &pg;
		path.index = i;
		if (pg.bio_ticks)
			path.bio_ticks = &pg.bio_ticks[i];
		r = mpg_get_device(ctx_, path_args.shift(), &path.dev);
		if (r) {
			*error = "error getting device";
			return r;
		}
		// Mainline accepts a device twice and then fails, counts and
		// reinstates it as two paths; refuse the typo instead.
		if (has_path(path.dev, nr_before, pg, i)) {
			*error = "duplicate path device";
			return -kEINVAL;
		}
		r = setup_handler(path, error);
		if (r)
			return r;
		r = pg.selector.add_path(path.selector_state, i, path_args, error);
		if (r)
			return r;
		as.consume(1 + nr_path_args);
	}
	return 0;
}

void Multipath::release_group(mpg_ctx *ctx, PathGroup &pg)
{
	if (!pg.paths)
		return;
	for (unsigned int i = 0; i < pg.nr_paths; i++) {
		mpg_activation_free(pg.paths[i].activation);
		pg.selector.release_path(pg.paths[i].selector_state);
		if (pg.paths[i].dev)
			mpg_put_device(ctx, pg.paths[i].dev);
	}
	pg.selector.release();
	mpg_io_counts_free(pg.ios);
	pg.ios = nullptr;
	delete[] pg.bio_ticks;
	pg.bio_ticks = nullptr;
	delete[] pg.paths;
	pg.paths = nullptr;
	pg.nr_paths = 0;
}

Multipath::~Multipath()
{
	if (groups_) {
		// One slot past the groups is scratch space used while parsing.
		for (unsigned int i = 0; i <= nr_groups_; i++)
			release_group(ctx_, groups_[i]);
		delete[] groups_;
	}
	mpg_free(hw_handler_);
	delete[] hw_handler_params_;
}

int Multipath::create(mpc_create_args *args, ArgSet as, Multipath **out)
{
	static constexpr ArgSpec kGroups = {0, 1024, "invalid number of priority groups"};
	static constexpr ArgSpec kInitial = {0, 1024, "invalid initial priority group number"};
	const char **error = &args->error;
	Multipath *m = new Multipath(args->ctx, args->iface, args->bio_only);
	unsigned int next_pg_num, count = 0;
	int r;

	if (!m) {
		*error = "can't allocate multipath";
		return -kEINVAL;
	}

	m->io_timeout_ms_.init(args->io_timeout_ms <= kIoTimeoutMax ? args->io_timeout_ms : 0);
	r = m->parse_features(as, error);
	if (!r)
		r = m->parse_hw_handler(as, error);
	if (r)
		goto bad;

	if (!as.read(kGroups, &m->nr_groups_, error) || !as.read(kInitial, &next_pg_num, error)) {
		m->nr_groups_ = 0;
		r = -kEINVAL;
		goto bad;
	}
	if (!m->nr_groups_ != !next_pg_num) {
		*error = "invalid initial priority group";
		r = -kEINVAL;
		goto bad;
	}

	m->groups_ = new PathGroup[m->nr_groups_ + 1];
	if (!m->groups_) {
		*error = "can't allocate multipath";
		r = -kENOMEM;
		goto bad;
	}

	// Like mainline, parse every group given and only then compare the
	// count, so a malformed surplus group reports its own error.
	while (as.count()) {
		unsigned int slot = count < m->nr_groups_ ? count : m->nr_groups_;
		PathGroup &pg = m->groups_[slot];

		if (slot == m->nr_groups_)
			release_group(m->ctx_, pg);
		r = m->parse_group(as, pg, slot, error);
		if (r)
			goto bad;
		count++;
		pg.num = count;
		m->nr_valid_paths_.init(m->nr_valid_paths_.read() + pg.nr_paths);
		if (!--next_pg_num)
			m->next_pg_.init(&pg);
	}
	if (count != m->nr_groups_) {
		*error = "priority group count mismatch";
		r = -kEINVAL;
		goto bad;
	}
	// A handler adopted from a later path also initialises the paths
	// parsed before it (their activation then reports what it finds).
	for (unsigned int g = 0; m->hw_handler_ && g < m->nr_groups_; g++) {
		for (unsigned int i = 0; i < m->groups_[g].nr_paths; i++) {
			Path &path = m->groups_[g].paths[i];

			if (path.activation)
				continue;
			path.activation = mpg_activation_alloc(m->ctx_, to_handle(&path), path.dev);
			if (!path.activation) {
				*error = "can't allocate path activation";
				r = -kENOMEM;
				goto bad;
			}
		}
	}

	{
		LockGuard guard(m->lock_);
		m->arm_nopath_timer(guard); // a table without paths
	}

	args->bio_mode = m->bio_mode_;
	*out = m;
	return 0;

bad:
	delete m;
	return r;
}

int Multipath::iterate_devices(int (*fn)(mpg_dev *dev, void *data), void *data)
{
	int r = 0;

	for (unsigned int g = 0; g < nr_groups_ && !r; g++)
		for (unsigned int i = 0; i < groups_[g].nr_paths && !r; i++)
			r = fn(groups_[g].paths[i].dev, data);
	return r;
}

} // namespace mpath
