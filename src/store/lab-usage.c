/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-usage"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-db.h"
#include "lab-enum.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-timestamp.h"
#include "lab-usage.h"

/*
 * Disk usage of a store: what each part of the data folder takes (the same
 * figures as `du -sb`: apparent sizes of files, folders and links, each inode
 * once), what each table and index takes inside the database (the dbstat
 * virtual table, as `sqlite3 FILE "SELECT name, sum(pgsize) FROM dbstat GROUP
 * BY name"` says), each session's workspace folder, and the free space of the
 * file system. The walk of the folder (its workspace by two threads) and the
 * database's statistics run side by side; the statistics are those of the
 * last measure when the database files have not changed since. The result is
 * cached in data/usage.json so it can be shown again at once;
 * lab_usage_compute() makes it anew.
 */

#define LAB_USAGE_MMAP_SIZE 2147418112  /* SQLite's largest, 2 GiB - 64 KiB */
#define LOW_SPACE_MINIMUM (G_GUINT64_CONSTANT (1) << 30)  /* 1 GiB */

struct _LabUsage
{
  GObject parent_instance;

  gint64 computed_at;
  double duration;
  guint64 total;
  guint64 categories_bytes[LAB_USAGE_N_CATEGORIES];
  guint64 categories_count[LAB_USAGE_N_CATEGORIES];
  guint64 db_file_size;
  guint64 page_size;
  guint64 page_count;
  guint64 free_pages;
  guint64 free_space;
  guint64 disk_size;
  char *db_identity;  /* the database and log files the figures were read from */

  GListStore *categories;
  GListStore *btrees;
  GListStore *sessions;
};

G_DEFINE_FINAL_TYPE (LabUsage, lab_usage, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabUsageCategory, lab_usage_category,
  G_DEFINE_ENUM_VALUE (LAB_USAGE_DATABASE, "database"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_FREE_PAGES, "free-pages"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_WAL, "wal"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_WORKSPACE, "workspace"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_BACKUPS, "backups"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_ARCHIVES, "archives"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_LOGS, "logs"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_OTHER, "other"))

enum {
  PROP_0,
  PROP_COMPUTED_AT,
  PROP_TOTAL,
  PROP_FREE_SPACE,
  PROP_DISK_SIZE,
  PROP_SPACE_LOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
lab_usage_category_to_string (LabUsageCategory category)
{
  return lab_enum_to_string (LAB_TYPE_USAGE_CATEGORY, category);
}

/**
 * lab_usage_category_get_label:
 *
 * Returns: the category's name for people, translated
 */
const char *
lab_usage_category_get_label (LabUsageCategory category)
{
  switch (category)
    {
    case LAB_USAGE_DATABASE:
      return _("Database");
    case LAB_USAGE_FREE_PAGES:
      return _("Reclaimable");
    case LAB_USAGE_WAL:
      return _("Write-ahead log");
    case LAB_USAGE_WORKSPACE:
      return _("Workspace files");
    case LAB_USAGE_BACKUPS:
      return _("Backups");
    case LAB_USAGE_ARCHIVES:
      return _("Archives");
    case LAB_USAGE_LOGS:
      return _("Logs");
    case LAB_USAGE_OTHER:
      return _("Other");
    default:
      g_assert_not_reached ();
    }
}

static void
lab_usage_finalize (GObject *object)
{
  LabUsage *self = (LabUsage *) object;

  g_free (self->db_identity);
  g_clear_object (&self->categories);
  g_clear_object (&self->btrees);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (lab_usage_parent_class)->finalize (object);
}

static void
lab_usage_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LabUsage *self = LAB_USAGE (object);

  switch (prop_id)
    {
    case PROP_COMPUTED_AT:
      g_value_set_int64 (value, self->computed_at);
      break;
    case PROP_TOTAL:
      g_value_set_uint64 (value, self->total);
      break;
    case PROP_FREE_SPACE:
      g_value_set_uint64 (value, self->free_space);
      break;
    case PROP_DISK_SIZE:
      g_value_set_uint64 (value, self->disk_size);
      break;
    case PROP_SPACE_LOW:
      g_value_set_boolean (value, lab_usage_is_space_low (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_class_init (LabUsageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_usage_finalize;
  object_class->get_property = lab_usage_get_property;

  properties[PROP_COMPUTED_AT] =
    g_param_spec_int64 ("computed-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOTAL] = g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FREE_SPACE] =
    g_param_spec_uint64 ("free-space", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_DISK_SIZE] =
    g_param_spec_uint64 ("disk-size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SPACE_LOW] = g_param_spec_boolean ("space-low", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_usage_init (LabUsage *self)
{
  self->categories = g_list_store_new (LAB_TYPE_USAGE_ITEM);
  self->btrees = g_list_store_new (LAB_TYPE_USAGE_ITEM);
  self->sessions = g_list_store_new (LAB_TYPE_USAGE_ITEM);
}

/* The folder walk: `du -sb` semantics. */

typedef struct
{
  GHashTable *inodes;  /* "dev:ino" → LinkedFile, of files with several links counted */
  guint64 n_files;
  int session;         /* the workspace_child_cb() entry being measured, or -1 */
  GCancellable *cancellable;
} Walk;

/* A file with several links, counted where the walk met it first. */
typedef struct
{
  guint64 size;
  int session;
} LinkedFile;

static void
walk_init (Walk         *walk,
           GCancellable *cancellable)
{
  walk->inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  walk->n_files = 0;
  walk->session = -1;
  walk->cancellable = cancellable;
}

static void
walk_clear (Walk *walk)
{
  g_clear_pointer (&walk->inodes, g_hash_table_unref);
}

static gboolean
counted_before (Walk              *walk,
                const struct stat *st)
{
  g_autofree char *key = NULL;
  LinkedFile *file;

  /* Like du, a file with several hard links counts once. */
  if (S_ISDIR (st->st_mode) || st->st_nlink < 2)
    return FALSE;

  key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                         (guint64) st->st_dev, (guint64) st->st_ino);
  if (g_hash_table_contains (walk->inodes, key))
    return TRUE;

  file = g_new (LinkedFile, 1);
  file->size = st->st_size;
  file->session = walk->session;
  g_hash_table_insert (walk->inodes, g_steal_pointer (&key), file);
  return FALSE;
}

typedef void (*ChildFunc) (Walk              *walk,
                           int                dirfd,
                           const char        *name,
                           const struct stat *st,
                           gpointer           data);

/* Calls @func for each entry of the folder open as @fd (which it closes). */
static void
for_each_child (Walk      *walk,
                int        fd,
                ChildFunc  func,
                gpointer   data)
{
  DIR *d = fdopendir (fd);
  struct dirent *entry;

  if (d == NULL)
    {
      close (fd);
      return;
    }

  while ((entry = readdir (d)) != NULL)
    {
      struct stat st;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      if (fstatat (dirfd (d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;

      func (walk, dirfd (d), entry->d_name, &st, data);
    }

  closedir (d);
}

static guint64 measure_at (Walk *walk, int dirfd, const char *name, const struct stat *st);

static void
add_measure_cb (Walk              *walk,
                int                dirfd,
                const char        *name,
                const struct stat *st,
                gpointer           data)
{
  *(guint64 *) data += measure_at (walk, dirfd, name, st);
}

/* The size of the entry @name of @dirfd, and of everything below it. */
static guint64
measure_at (Walk              *walk,
            int                dirfd,
            const char        *name,
            const struct stat *st)
{
  guint64 total;
  int fd;

  if (counted_before (walk, st))
    return 0;

  total = st->st_size;
  if (S_ISREG (st->st_mode))
    walk->n_files++;

  if (!S_ISDIR (st->st_mode) || g_cancellable_is_cancelled (walk->cancellable))
    return total;

  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    for_each_child (walk, fd, add_measure_cb, &total);

  return total;
}

/* Opens @path as a folder for for_each_child(), with its own size. */
static int
open_folder (const char  *path,
             struct stat *st)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0 && fstat (fd, st) != 0)
    {
      close (fd);
      return -1;
    }

  return fd;
}

/**
 * lab_usage_measure_path:
 * @path: a file or folder
 * @n_files: (out) (optional): the number of regular files
 *
 * Measures @path as `du -sb` does: the apparent sizes of every file, folder
 * and link at or below it, without following links, each inode once.
 *
 * Returns: the size in bytes; 0 if @path does not exist
 */
guint64
lab_usage_measure_path (const char *path,
                        guint64    *n_files)
{
  Walk walk;
  struct stat st;
  guint64 total = 0;

  walk_init (&walk, NULL);
  if (lstat (path, &st) == 0)
    total = measure_at (&walk, AT_FDCWD, path, &st);
  if (n_files != NULL)
    *n_files = walk.n_files;
  walk_clear (&walk);

  return total;
}

typedef struct
{
  char *name;
  guint64 bytes;
  guint64 files;
} SessionSize;

static void
session_size_clear (gpointer data)
{
  g_free (((SessionSize *) data)->name);
}

static int
compare_session_sizes (gconstpointer a,
                       gconstpointer b)
{
  const SessionSize *x = a;
  const SessionSize *y = b;

  if (x->bytes != y->bytes)
    return x->bytes > y->bytes ? -1 : 1;
  return strcmp (x->name, y->name);
}

typedef struct
{
  LabDataDir *dir;
  guint64 bytes[LAB_USAGE_N_CATEGORIES];
  guint64 count[LAB_USAGE_N_CATEGORIES];
  guint64 db_file_size;
  GArray *sessions;  /* of SessionSize; titles come from the database */
} FolderSizes;

static void
add_to (Walk              *walk,
        FolderSizes       *sizes,
        LabUsageCategory   category,
        int                dirfd,
        const char        *name,
        const struct stat *st)
{
  guint64 files_before = walk->n_files;

  sizes->bytes[category] += measure_at (walk, dirfd, name, st);
  sizes->count[category] += walk->n_files - files_before;
}

static void
workspace_child_cb (Walk              *walk,
                    int                dirfd,
                    const char        *name,
                    const struct stat *st,
                    gpointer           data)
{
  FolderSizes *sizes = data;
  guint64 files_before = walk->n_files;
  SessionSize size;

  walk->session = sizes->sessions->len;
  size.bytes = measure_at (walk, dirfd, name, st);
  size.files = walk->n_files - files_before;
  size.name = g_strdup (name);
  walk->session = -1;
  sizes->bytes[LAB_USAGE_WORKSPACE] += size.bytes;
  sizes->count[LAB_USAGE_WORKSPACE] += size.files;
  g_array_append_val (sizes->sessions, size);
}

/* The workspace holds most of the folder's entries: its session folders are
 * measured by two threads, each entry by one of them (alternately, as the
 * folders come, so that both get as many large ones), which halves the
 * time the walk waits for the file system on two cores. */

typedef struct
{
  Walk *walk;
  FolderSizes *sizes;
  GPtrArray *names;  /* of the workspace's entries */
  int dirfd;
  guint first;       /* measures entries first, first + 2, … */
} WorkspaceShare;

static gpointer
measure_share (gpointer data)
{
  WorkspaceShare *share = data;

  for (guint i = share->first; i < share->names->len; i += 2)
    {
      const char *name = share->names->pdata[i];
      struct stat st;

      /* An entry that vanished since the folder was read is not there. */
      if (fstatat (share->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        workspace_child_cb (share->walk, share->dirfd, name, &st, share->sizes);
    }

  return NULL;
}

/* Adds what the other thread measured to @sizes and @walk. A file with
 * several links that both threads met (or that @walk met before) was counted
 * twice: the other thread's count is taken back, from its session too. */
static void
merge_share (Walk        *walk,
             FolderSizes *sizes,
             Walk        *other_walk,
             FolderSizes *other)
{
  guint offset = sizes->sessions->len;
  GHashTableIter iter;
  gpointer key, value;

  sizes->bytes[LAB_USAGE_WORKSPACE] += other->bytes[LAB_USAGE_WORKSPACE];
  sizes->count[LAB_USAGE_WORKSPACE] += other->count[LAB_USAGE_WORKSPACE];
  walk->n_files += other_walk->n_files;

  /* The names move to @sizes' array. */
  g_array_append_vals (sizes->sessions, other->sessions->data, other->sessions->len);
  g_array_set_clear_func (other->sessions, NULL);

  g_hash_table_iter_init (&iter, other_walk->inodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      LinkedFile *file = value;

      if (g_hash_table_contains (walk->inodes, key))
        {
          SessionSize *size = &g_array_index (sizes->sessions, SessionSize,
                                              offset + file->session);

          sizes->bytes[LAB_USAGE_WORKSPACE] -= file->size;
          sizes->count[LAB_USAGE_WORKSPACE] -= 1;
          size->bytes -= file->size;
          size->files -= 1;
          walk->n_files -= 1;
        }
      else
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (walk->inodes, key, value);
        }
    }
}

/* Measures the workspace folder open as @fd (which it closes). */
static void
measure_workspace (Walk        *walk,
                   int          fd,
                   FolderSizes *sizes)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) other_sessions = g_array_new (FALSE, FALSE, sizeof (SessionSize));
  FolderSizes other_sizes = { .dir = sizes->dir, .sessions = other_sessions };
  Walk other_walk;
  WorkspaceShare mine = { walk, sizes, names, -1, 0 };
  WorkspaceShare other = { &other_walk, &other_sizes, names, -1, 1 };
  DIR *d = fdopendir (fd);
  struct dirent *entry;
  GThread *thread;

  if (d == NULL)
    {
      close (fd);
      return;
    }

  while ((entry = readdir (d)) != NULL)
    {
      if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
        g_ptr_array_add (names, g_strdup (entry->d_name));
    }

  mine.dirfd = other.dirfd = dirfd (d);
  walk_init (&other_walk, walk->cancellable);
  g_array_set_clear_func (other_sessions, session_size_clear);

  thread = g_thread_new ("usage-workspace", measure_share, &other);
  measure_share (&mine);
  g_thread_join (thread);

  merge_share (walk, sizes, &other_walk, &other_sizes);
  walk_clear (&other_walk);
  closedir (d);
}

static void
data_child_cb (Walk              *walk,
               int                dirfd,
               const char        *name,
               const struct stat *st,
               gpointer           data)
{
  FolderSizes *sizes = data;
  g_autofree char *db_name = g_path_get_basename (lab_data_dir_get_db_path (sizes->dir));
  g_autofree char *workspace_name =
    g_path_get_basename (lab_data_dir_get_workspace_path (sizes->dir));
  g_autofree char *wal_name = g_strconcat (db_name, "-wal", NULL);
  g_autofree char *shm_name = g_strconcat (db_name, "-shm", NULL);

  if (g_str_equal (name, db_name) && S_ISREG (st->st_mode))
    {
      if (!counted_before (walk, st))
        {
          sizes->db_file_size = st->st_size;
          walk->n_files++;
        }
    }
  else if ((g_str_equal (name, wal_name) || g_str_equal (name, shm_name)) && S_ISREG (st->st_mode))
    return;  /* see measure_logs() */
  else if (g_str_equal (name, workspace_name) && S_ISDIR (st->st_mode))
    {
      int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      sizes->bytes[LAB_USAGE_WORKSPACE] += st->st_size;
      if (fd >= 0)
        measure_workspace (walk, fd, sizes);
    }
  else
    add_to (walk, sizes, LAB_USAGE_OTHER, dirfd, name, st);
}

/* The database's -wal and -shm files, which data_child_cb() leaves out. */
static void
measure_logs (Walk        *walk,
              FolderSizes *sizes)
{
  const char *suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (lab_data_dir_get_db_path (sizes->dir), suffixes[i],
                                           NULL);
      struct stat st;

      if (lstat (path, &st) == 0 && S_ISREG (st.st_mode))
        add_to (walk, sizes, LAB_USAGE_WAL, AT_FDCWD, path, &st);
    }
}

static void
root_child_cb (Walk              *walk,
               int                dirfd,
               const char        *name,
               const struct stat *st,
               gpointer           data)
{
  FolderSizes *sizes = data;
  struct {
    const char *path;
    LabUsageCategory category;
  } folders[] = {
    { lab_data_dir_get_backups_path (sizes->dir), LAB_USAGE_BACKUPS },
    { lab_data_dir_get_archives_path (sizes->dir), LAB_USAGE_ARCHIVES },
    { lab_data_dir_get_logs_path (sizes->dir), LAB_USAGE_LOGS },
  };
  g_autofree char *data_name = g_path_get_basename (lab_data_dir_get_data_path (sizes->dir));

  if (g_str_equal (name, data_name) && S_ISDIR (st->st_mode))
    {
      int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      sizes->bytes[LAB_USAGE_OTHER] += st->st_size;
      if (fd >= 0)
        for_each_child (walk, fd, data_child_cb, sizes);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *folder_name = g_path_get_basename (folders[i].path);

      if (g_str_equal (name, folder_name))
        {
          add_to (walk, sizes, folders[i].category, dirfd, name, st);
          return;
        }
    }

  add_to (walk, sizes, LAB_USAGE_OTHER, dirfd, name, st);
}

/* The database's side: page counts, each b-tree's pages (dbstat), and the
 * sessions' titles, in one read transaction. */

typedef struct
{
  LabDataDir *dir;
  const char *identity;  /* of the database files, see database_identity() */
  LabDb *db;
  GCancellable *cancellable;
  guint64 page_size;
  guint64 page_count;
  guint64 free_pages;
  GPtrArray *btrees;     /* of LabUsageItem */
  GHashTable *titles;    /* session id → title */
  GError *error;
} DbStats;

static gboolean
read_btrees (LabDb      *db,
             DbStats    *stats,
             GError    **error)
{
  g_autoptr(GHashTable) owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* An index belongs to its table; a full-text index's shadow tables
   * (messages_fts_data, …) to the full-text index. */
  stmt = lab_db_prepare (db,
                         "SELECT s.name, coalesce ((SELECT f.name FROM sqlite_schema AS f"
                         "   WHERE f.type = 'table'"
                         "   AND f.sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
                         "   AND s.name GLOB f.name || '_*'), s.tbl_name)"
                         " FROM sqlite_schema AS s WHERE s.rootpage > 0", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (owners, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = lab_db_prepare (db, "SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      guint64 bytes = sqlite3_column_int64 (stmt, 1);
      const char *owner = g_hash_table_lookup (owners, name);

      g_ptr_array_add (stats->btrees,
                       lab_usage_item_new (LAB_USAGE_ITEM_BTREE, name, NULL,
                                           owner ? owner : name, bytes,
                                           stats->page_size ? bytes / stats->page_size : 0));
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

static gboolean
read_titles (LabDb      *db,
             DbStats    *stats,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id, title FROM sessions", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (stats->titles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

static int
compare_items_by_size (gconstpointer a,
                       gconstpointer b)
{
  LabUsageItem *x = *(LabUsageItem * const *) a;
  LabUsageItem *y = *(LabUsageItem * const *) b;
  guint64 xb = lab_usage_item_get_bytes (x);
  guint64 yb = lab_usage_item_get_bytes (y);

  if (xb != yb)
    return xb > yb ? -1 : 1;
  return g_strcmp0 (lab_usage_item_get_name (x), lab_usage_item_get_name (y));
}

static void
store_items (GListStore *store,
             GPtrArray  *items)
{
  g_ptr_array_sort (items, compare_items_by_size);
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
}

static void
fill_categories (LabUsage *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
    g_ptr_array_add (items, lab_usage_item_new (LAB_USAGE_ITEM_CATEGORY,
                                                lab_usage_category_to_string (c),
                                                lab_usage_category_get_label (c), NULL,
                                                self->categories_bytes[c],
                                                self->categories_count[c]));

  /* Categories keep their order, the same in every chart. */
  g_list_store_splice (self->categories, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->categories)),
                       items->pdata, items->len);
}

static char *usage_to_text (LabUsage *self);

/* Which database and log files, as they are now: the same identity means the
 * same pages, so dbstat would say the same again. An absent or empty log
 * counts as none, as a read-only connection may leave an empty one behind. */
static char *
database_identity (LabDataDir *dir)
{
  g_autofree char *wal = g_strconcat (lab_data_dir_get_db_path (dir), "-wal", NULL);
  g_autofree char *wal_part = NULL;
  struct stat db_st, wal_st;

  if (stat (lab_data_dir_get_db_path (dir), &db_st) != 0)
    return NULL;

  if (stat (wal, &wal_st) == 0 && wal_st.st_size > 0)
    wal_part = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GINT64_FORMAT ".%09ld",
                                (guint64) wal_st.st_size, (gint64) wal_st.st_mtim.tv_sec,
                                wal_st.st_mtim.tv_nsec);
  else
    wal_part = g_strdup ("0");

  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                          ":%" G_GINT64_FORMAT ".%09ld|%s",
                          (guint64) db_st.st_dev, (guint64) db_st.st_ino, (guint64) db_st.st_size,
                          (gint64) db_st.st_mtim.tv_sec, db_st.st_mtim.tv_nsec, wal_part);
}

/* The database's figures from the last measure, if its files have not
 * changed since: a measure then costs no more than walking the folder. */
static gboolean
reuse_database_figures (LabDataDir *dir,
                        const char *identity,
                        DbStats    *stats)
{
  g_autoptr(LabUsage) cached = NULL;
  GListModel *items;

  if (identity == NULL)
    return FALSE;

  cached = lab_usage_load_cached (dir, NULL);
  if (cached == NULL || g_strcmp0 (cached->db_identity, identity) != 0)
    return FALSE;

  stats->page_size = cached->page_size;
  stats->page_count = cached->page_count;
  stats->free_pages = cached->free_pages;

  items = G_LIST_MODEL (cached->btrees);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    g_ptr_array_add (stats->btrees, g_list_model_get_item (items, i));

  /* A folder's label is its session's title; the sessions are unchanged. */
  items = G_LIST_MODEL (cached->sessions);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (items, i);

      if (!g_str_equal (lab_usage_item_get_name (item), lab_usage_item_get_label (item)))
        g_hash_table_insert (stats->titles, g_strdup (lab_usage_item_get_name (item)),
                             g_strdup (lab_usage_item_get_label (item)));
    }

  return TRUE;
}

static gpointer
db_stats_thread (gpointer data)
{
  DbStats *stats = data;
  LabDb *db;
  gint64 v;

  if (reuse_database_figures (stats->dir, stats->identity, stats))
    {
      g_debug ("The database is unchanged since the last measure: its figures are reused");
      return NULL;
    }

  /* No database file. */
  if (stats->identity == NULL)
    return NULL;

  db = stats->db = lab_db_open (stats->dir, LAB_DB_OPEN_READ_ONLY, &stats->error);
  if (db == NULL)
    return NULL;
  lab_db_set_cancellable (db, stats->cancellable);

  /* dbstat reads every page: mapped, they are not copied out of the page
   * cache one by one. The connection only reads. */
  lab_db_exec (db, "PRAGMA mmap_size = " G_STRINGIFY (LAB_USAGE_MMAP_SIZE), NULL);

  if (!lab_db_exec (db, "BEGIN", &stats->error))
    return NULL;

  if ((v = lab_db_query_int64 (db, "PRAGMA page_size", &stats->error)) < 0)
    goto out;
  stats->page_size = v;
  if ((v = lab_db_query_int64 (db, "PRAGMA page_count", &stats->error)) < 0)
    goto out;
  stats->page_count = v;
  if ((v = lab_db_query_int64 (db, "PRAGMA freelist_count", &stats->error)) < 0)
    goto out;
  stats->free_pages = v;

  if (read_btrees (db, stats, &stats->error))
    read_titles (db, stats, &stats->error);

out:
  lab_db_rollback (db);
  return NULL;
}

static char *
get_cache_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_data_path (dir), "usage.json", NULL);
}

/**
 * lab_usage_compute:
 * @dir: the data directory
 * @progress: (nullable) (scope call): called on this thread
 *
 * Measures the store and caches the result (see lab_usage_load_cached()). A
 * database that cannot be read (missing, damaged) leaves the per-table figures
 * empty; the folder's figures are still measured.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
LabUsage *
lab_usage_compute (LabDataDir       *dir,
                   LabProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(LabUsage) self = g_object_new (LAB_TYPE_USAGE, NULL);
  g_autoptr(GPtrArray) btrees = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (SessionSize));
  g_autoptr(GPtrArray) session_items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *cache = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) save_error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *identity = NULL;
  DbStats stats = { .cancellable = cancellable, .btrees = btrees, .titles = titles };
  FolderSizes sizes = { 0 };
  GThread *thread;
  struct statvfs vfs;
  struct stat st;
  int open_errno = 0;
  Walk walk;
  int fd;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  if (progress != NULL)
    progress (-1, _("Measuring the data folder"), progress_data);

  self->computed_at = g_get_real_time ();

  /* The identity is taken before the database is read: a change made while
   * it is read makes the next measure read it again. */
  identity = database_identity (dir);
  stats.dir = dir;
  stats.identity = identity;
  thread = g_thread_new ("usage-db", db_stats_thread, &stats);

  sizes.dir = dir;
  sizes.sessions = sessions;
  g_array_set_clear_func (sessions, session_size_clear);
  walk_init (&walk, cancellable);
  fd = open_folder (lab_data_dir_get_root (dir), &st);
  open_errno = errno;
  if (fd >= 0)
    {
      sizes.bytes[LAB_USAGE_OTHER] += st.st_size;
      for_each_child (&walk, fd, root_child_cb, &sizes);
    }
  g_debug ("Folder walked after %.3f s", g_timer_elapsed (timer, NULL));

  g_thread_join (thread);
  db = stats.db;
  g_debug ("Database measured after %.3f s", g_timer_elapsed (timer, NULL));

  /* Opening the database may have made its -wal and -shm files: they are
   * measured now, while it is open, so that the total is the folder's. */
  if (fd >= 0)
    measure_logs (&walk, &sizes);
  walk_clear (&walk);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_clear_error (&stats.error);
      return NULL;
    }

  if (fd < 0)
    {
      g_clear_error (&stats.error);
      lab_store_error_from_errno (error, open_errno, _("Cannot read the data folder “%s”"),
                                  lab_data_dir_get_root (dir));
      return NULL;
    }

  /* Figures of a damaged or locked database are left out, not fatal: the
   * check reports what is wrong with it. */
  if (stats.error != NULL)
    {
      g_debug ("No database figures: %s", stats.error->message);
      g_clear_error (&stats.error);
      g_ptr_array_set_size (btrees, 0);
      stats.free_pages = 0;
    }

  /* Figures read from a database that could not be read are not worth
   * reusing. */
  if (stats.page_count > 0)
    self->db_identity = g_steal_pointer (&identity);
  self->page_size = stats.page_size;
  self->page_count = stats.page_count;
  self->free_pages = stats.free_pages;
  self->db_file_size = sizes.db_file_size;
  memcpy (self->categories_bytes, sizes.bytes, sizeof sizes.bytes);
  memcpy (self->categories_count, sizes.count, sizeof sizes.count);

  /* The database file is its pages in use plus its free pages. */
  self->categories_bytes[LAB_USAGE_FREE_PAGES] = MIN (stats.free_pages * stats.page_size,
                                                      sizes.db_file_size);
  self->categories_count[LAB_USAGE_FREE_PAGES] = stats.free_pages;
  self->categories_bytes[LAB_USAGE_DATABASE] = sizes.db_file_size -
                                               self->categories_bytes[LAB_USAGE_FREE_PAGES];
  self->categories_count[LAB_USAGE_DATABASE] = stats.page_count - stats.free_pages;

  for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
    self->total += self->categories_bytes[c];

  if (statvfs (lab_data_dir_get_root (dir), &vfs) == 0)
    {
      self->free_space = (guint64) vfs.f_bavail * vfs.f_frsize;
      self->disk_size = (guint64) vfs.f_blocks * vfs.f_frsize;
    }

  /* Largest first; a folder of no session keeps its name as its label. */
  g_array_sort (sessions, compare_session_sizes);
  for (guint i = 0; i < sessions->len; i++)
    {
      SessionSize *size = &g_array_index (sessions, SessionSize, i);
      const char *title = g_hash_table_lookup (titles, size->name);

      g_ptr_array_add (session_items,
                       lab_usage_item_new (LAB_USAGE_ITEM_SESSION, size->name,
                                           title != NULL && title[0] != '\0' ? title : NULL, NULL,
                                           size->bytes, size->files));
    }

  fill_categories (self);
  store_items (self->btrees, btrees);
  g_list_store_splice (self->sessions, 0, 0, session_items->pdata, session_items->len);
  self->duration = g_timer_elapsed (timer, NULL);
  g_debug ("Figures ready after %.3f s", self->duration);

  /* The figures are still right if they cannot be cached (a read-only disk). */
  cache = get_cache_path (dir);
  text = usage_to_text (self);
  if (!g_file_test (lab_data_dir_get_data_path (dir), G_FILE_TEST_IS_DIR) ||
      !lab_file_replace_contents (cache, text, -1, &save_error))
    g_debug ("Cannot cache the usage: %s", save_error ? save_error->message : "no data folder");

  g_debug ("Cached after %.3f s", g_timer_elapsed (timer, NULL));

  if (progress != NULL)
    progress (1, _("Measured"), progress_data);

  return g_steal_pointer (&self);
}

static gboolean
items_from_json (JsonObject        *object,
                 const char        *member,
                 LabUsageItemKind   kind,
                 GListStore        *store)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(LabUsageItem) item = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      item = lab_usage_item_new_from_json (kind, json_node_get_object (element));
      if (item == NULL)
        return FALSE;
      g_list_store_append (store, item);
    }

  return TRUE;
}

/**
 * lab_usage_load_cached:
 *
 * Reads the figures of the last lab_usage_compute(), without measuring.
 *
 * Returns: (transfer full) (nullable): the figures, or %NULL if there are none
 *   (no error) or they cannot be read (with @error set)
 */
LabUsage *
lab_usage_load_cached (LabDataDir  *dir,
                       GError     **error)
{
  g_autofree char *path = get_cache_path (dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(LabUsage) self = g_object_new (LAB_TYPE_USAGE, NULL);
  g_autoptr(GListStore) categories = g_list_store_new (LAB_TYPE_USAGE_ITEM);
  const char *computed_at;
  JsonObject *root;
  JsonNode *database;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;
  root = json_node_get_object (json_parser_get_root (parser));

  computed_at = json_object_get_string_member_with_default (root, "computed_at", NULL);
  database = json_object_get_member (root, "database");
  if (computed_at == NULL || !lab_timestamp_parse (computed_at, &self->computed_at) ||
      database == NULL || !JSON_NODE_HOLDS_OBJECT (database) ||
      !items_from_json (root, "categories", LAB_USAGE_ITEM_CATEGORY, categories) ||
      !items_from_json (root, "btrees", LAB_USAGE_ITEM_BTREE, self->btrees) ||
      !items_from_json (root, "sessions", LAB_USAGE_ITEM_SESSION, self->sessions))
    goto invalid;

  self->duration = json_object_get_double_member_with_default (root, "duration", 0);
  self->free_space = json_object_get_int_member_with_default (root, "free_space", 0);
  self->disk_size = json_object_get_int_member_with_default (root, "disk_size", 0);
  self->db_file_size = json_object_get_int_member_with_default (json_node_get_object (database),
                                                                "file_size", 0);
  self->page_size = json_object_get_int_member_with_default (json_node_get_object (database),
                                                             "page_size", 0);
  self->page_count = json_object_get_int_member_with_default (json_node_get_object (database),
                                                              "page_count", 0);
  self->free_pages = json_object_get_int_member_with_default (json_node_get_object (database),
                                                              "free_pages", 0);
  self->db_identity =
    g_strdup (json_object_get_string_member_with_default (json_node_get_object (database),
                                                          "identity", NULL));

  /* Category names are read back by key and their labels made again, in the
   * current language. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (categories)); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (G_LIST_MODEL (categories), i);
      int c;

      if (!lab_enum_from_string (LAB_TYPE_USAGE_CATEGORY, lab_usage_item_get_name (item), &c))
        continue;
      self->categories_bytes[c] = lab_usage_item_get_bytes (item);
      self->categories_count[c] = lab_usage_item_get_count (item);
      self->total += self->categories_bytes[c];
    }
  fill_categories (self);

  return g_steal_pointer (&self);

invalid:
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“%s” does not hold disk usage figures"), path);
  return NULL;
}

/**
 * lab_usage_invalidate:
 *
 * Forgets the cached figures, after an operation that changed them a lot
 * (clean-up, compacting), so that nobody shows them again.
 */
void
lab_usage_invalidate (LabDataDir *dir)
{
  g_autofree char *path = get_cache_path (dir);

  g_unlink (path);
}

gint64
lab_usage_get_computed_at (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->computed_at;
}

double
lab_usage_get_duration (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->duration;
}

/**
 * lab_usage_get_total:
 *
 * Returns: the size of the whole data folder, the sum of the categories
 */
guint64
lab_usage_get_total (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->total;
}

guint64
lab_usage_get_category_bytes (LabUsage         *self,
                              LabUsageCategory  category)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  g_return_val_if_fail (category < LAB_USAGE_N_CATEGORIES, 0);
  return self->categories_bytes[category];
}

/**
 * lab_usage_get_database_size:
 *
 * Returns: the size of the database file (pages in use and free pages)
 */
guint64
lab_usage_get_database_size (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->db_file_size;
}

guint64
lab_usage_get_page_size (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->page_size;
}

/**
 * lab_usage_get_free_space:
 *
 * Returns: the bytes this user may still write on the data folder's disk
 */
guint64
lab_usage_get_free_space (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->free_space;
}

guint64
lab_usage_get_disk_size (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);
  return self->disk_size;
}

/**
 * lab_usage_get_low_space_threshold:
 *
 * Below this much free space LabData warns: a backup and compacting each need
 * room for a copy of the database, so the threshold is twice the database
 * (and its log), and at least 1 GiB.
 */
guint64
lab_usage_get_low_space_threshold (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), 0);

  return lab_usage_low_space_threshold (self->db_file_size +
                                        self->categories_bytes[LAB_USAGE_WAL]);
}

/**
 * lab_usage_low_space_threshold:
 * @database_size: the database file and its write-ahead log, in bytes
 *
 * Returns: the free space below which LabData warns, for a database of
 *   @database_size: twice it, and at least 1 GiB
 */
guint64
lab_usage_low_space_threshold (guint64 database_size)
{
  return MAX (LOW_SPACE_MINIMUM, 2 * database_size);
}

gboolean
lab_usage_is_space_low (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), FALSE);

  return self->disk_size > 0 && self->free_space < lab_usage_get_low_space_threshold (self);
}

/**
 * lab_usage_get_categories:
 *
 * Returns: (transfer none): a #GListModel of #LabUsageItem, one per
 *   #LabUsageCategory in its order, for a chart
 */
GListModel *
lab_usage_get_categories (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), NULL);
  return G_LIST_MODEL (self->categories);
}

/**
 * lab_usage_get_btrees:
 *
 * Returns: (transfer none): a #GListModel of #LabUsageItem, one per table and
 *   index of the database, largest first; an item's owner is its table
 */
GListModel *
lab_usage_get_btrees (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), NULL);
  return G_LIST_MODEL (self->btrees);
}

/**
 * lab_usage_get_sessions:
 *
 * Returns: (transfer none): a #GListModel of #LabUsageItem, one per folder of
 *   the workspace, largest first; the label is the session's title
 */
GListModel *
lab_usage_get_sessions (LabUsage *self)
{
  g_return_val_if_fail (LAB_IS_USAGE (self), NULL);
  return G_LIST_MODEL (self->sessions);
}

/**
 * lab_usage_dup_description:
 *
 * Returns: (transfer full): the chart in words, for screen readers: each
 *   part and its size, then the free disk space
 */
char *
lab_usage_dup_description (LabUsage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *free_space = g_format_size (self->free_space);
  g_autofree char *total = g_format_size (self->total);

  /* Translators: the total size of the data folder */
  g_string_append_printf (text, _("LabData uses %s:"), total);
  for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
    {
      g_autofree char *size = NULL;

      if (self->categories_bytes[c] == 0)
        continue;
      size = g_format_size (self->categories_bytes[c]);
      /* Translators: a part of the data folder and its size, "Backups, 2.1 GB" */
      g_string_append_printf (text, _(" %s, %s;"), lab_usage_category_get_label (c), size);
    }
  if (text->str[text->len - 1] == ';')
    g_string_truncate (text, text->len - 1);
  g_string_append (text, ". ");
  /* Translators: free space on the disk */
  g_string_append_printf (text, _("%s free on the disk."), free_space);
  if (lab_usage_is_space_low (self))
    g_string_append_printf (text, " %s", _("The disk is almost full."));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
append_items (GString    *out,
              const char *member,
              GListModel *items)
{
  g_string_append_printf (out, ",\n  \"%s\": [", member);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (items, i);

      g_string_append (out, i > 0 ? ",\n    " : "\n    ");
      lab_usage_item_append_json (item, out);
    }
  g_string_append (out, "\n  ]");
}

/* The figures as JSON text, as cached. */
static char *
usage_to_text (LabUsage *self)
{
  g_autofree char *computed_at = lab_timestamp_format (self->computed_at);
  GString *out = g_string_sized_new (4096);

  g_string_append_printf (out,
                          "{\n  \"version\": 1,\n  \"computed_at\": \"%s\",\n"
                          "  \"duration\": %.3f,\n  \"total\": %" G_GUINT64_FORMAT ",\n"
                          "  \"free_space\": %" G_GUINT64_FORMAT ",\n"
                          "  \"disk_size\": %" G_GUINT64_FORMAT ",\n"
                          "  \"low_space_threshold\": %" G_GUINT64_FORMAT ",\n"
                          "  \"space_low\": %s,\n"
                          "  \"database\": {\"file_size\": %" G_GUINT64_FORMAT ", "
                          "\"page_size\": %" G_GUINT64_FORMAT ", \"page_count\": %" G_GUINT64_FORMAT
                          ", \"free_pages\": %" G_GUINT64_FORMAT ", \"identity\": \"%s\"}",
                          computed_at, self->duration, self->total, self->free_space,
                          self->disk_size, lab_usage_get_low_space_threshold (self),
                          lab_usage_is_space_low (self) ? "true" : "false",
                          self->db_file_size, self->page_size, self->page_count, self->free_pages,
                          self->db_identity ? self->db_identity : "");
  append_items (out, "categories", G_LIST_MODEL (self->categories));
  append_items (out, "btrees", G_LIST_MODEL (self->btrees));
  append_items (out, "sessions", G_LIST_MODEL (self->sessions));
  g_string_append (out, "\n}\n");

  return g_string_free (out, FALSE);
}

/**
 * lab_usage_to_json:
 *
 * Returns: (transfer full): the figures, as cached and as `usage --json` prints
 */
JsonNode *
lab_usage_to_json (LabUsage *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_USAGE (self), NULL);

  text = usage_to_text (self);
  return json_from_string (text, NULL);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LabProgress *progress = task_data;
  LabUsage *usage;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  usage = lab_usage_compute (LAB_DATA_DIR (source_object),
                             progress ? lab_progress_report : NULL, progress,
                             cancellable, &error);
  if (usage == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, usage, g_object_unref);
}

/**
 * lab_usage_compute_async:
 * @progress: (nullable): receives the progress on the main context
 *
 * Runs lab_usage_compute() in a thread, with a connection of its own.
 */
void
lab_usage_compute_async (LabDataDir          *dir,
                         LabProgress         *progress,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_usage_compute_async);
  if (progress != NULL)
    g_task_set_task_data (task, g_object_ref (progress), g_object_unref);
  g_task_run_in_thread (task, compute_thread);
}

/**
 * lab_usage_compute_finish:
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
LabUsage *
lab_usage_compute_finish (LabDataDir    *dir,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_usage_compute_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
