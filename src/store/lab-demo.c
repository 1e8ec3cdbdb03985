/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-demo"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lab-browse.h"
#include "lab-data-dir.h"
#include "lab-demo.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-row.h"
#include "lab-timestamp.h"

/*
 * Demo data: a research lab's year of sessions, made from word banks with a
 * seeded generator so that one seed always gives the same store. It is written
 * with prepared statements in batched transactions; the FTS triggers index it
 * as it goes, exactly as for real data.
 */

#define BATCH_SESSIONS 200
#define DEFAULT_END_TIME G_GINT64_CONSTANT (1793491200000000)  /* 2026-11-01T00:00:00Z */
#define DAY_USEC (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static const char * const humans[] = {
  "Ada Chen", "Ravi Patel", "Lena Novak", "Tomás Ortega", "Mei Tanaka", "Jonas Berg",
  "Amara Okafor", "Priya Raman", "Felix Wagner", "Sofia Rossi", "Kwame Mensah", "Hana Kim",
};

static const char * const agents[] = {
  "Planner", "Critic", "Coder", "Librarian", "Statistician", "Reviewer", "Experimenter",
};

static const char * const tools[] = {
  "python", "web_search", "read_paper", "run_experiment", "sql_query", "plot",
};

static const char * const models[] = {
  "llama-3.3-70b", "qwen-2.5-72b", "mistral-large", "deepseek-r1", "gpt-4o", "claude-sonnet",
};

static const char * const providers[] = {
  "venice", "local", "openrouter", "together",
};

static const char * const statuses[] = {
  "completed", "completed", "completed", "active", "active", "paused", "failed",
};

typedef struct
{
  const char *topic;
  const char *method;
  const char *dataset;
  const char *metric;
  const char *keywords[4];
} Theme;

static const Theme themes[] = {
  { "long-context retrieval", "sparse attention", "NarrativeQA", "exact match",
    { "attention", "retrieval", "long-context", "sparsity" } },
  { "protein structure prediction", "equivariant graph networks", "CASP15", "GDT-TS",
    { "proteins", "folding", "graphs", "equivariance" } },
  { "reward model calibration", "temperature scaling", "HH-RLHF", "expected calibration error",
    { "rlhf", "calibration", "reward", "alignment" } },
  { "code generation robustness", "self-debugging loops", "HumanEval+", "pass@1",
    { "code", "debugging", "robustness", "evaluation" } },
  { "climate downscaling", "diffusion models", "ERA5", "CRPS",
    { "climate", "diffusion", "weather", "downscaling" } },
  { "tokenizer efficiency", "byte-level BPE", "The Pile", "bits per byte",
    { "tokenizer", "compression", "bpe", "pretraining" } },
  { "mathematical reasoning", "process supervision", "MATH", "accuracy",
    { "reasoning", "math", "verifiers", "supervision" } },
  { "speech recognition in noise", "contrastive pretraining", "CHiME-6", "word error rate",
    { "speech", "asr", "noise", "contrastive" } },
  { "materials discovery", "active learning", "Materials Project", "hit rate",
    { "materials", "active-learning", "chemistry", "screening" } },
  { "model distillation", "logit matching", "MMLU", "accuracy",
    { "distillation", "compression", "students", "teachers" } },
  { "anomaly detection in telemetry", "isolation forests", "SMAP", "F1 score",
    { "anomalies", "telemetry", "time-series", "detection" } },
  { "multilingual translation", "adapter tuning", "FLORES-200", "chrF++",
    { "translation", "multilingual", "adapters", "low-resource" } },
};

/* A user's request: a format with one %s, the object. */
static const char * const user_requests[] = {
  "Can you look at %s?", "Let's revisit %s.", "How do our numbers change with %s?",
  "Please summarize %s.", "What happens with %s?", "Could we rerun everything with %s?",
  "Can you double-check %s?", "Draft a plan around %s.", "Did we lose accuracy because of %s?",
  "Walk me through %s.",
};

static const char * const user_objects[] = {
  "the baseline numbers from yesterday", "a smaller learning rate", "the held-out split",
  "the failure cases in the last run", "three seeds instead of one", "the ablation without warmup",
  "the evaluation harness", "the preprocessing of the raw files", "a larger batch size",
  "the related work section", "the confidence intervals", "the memory profile",
};

static const char * const findings[] = {
  "the gain is consistent across all three seeds",
  "the improvement disappears once we control for sequence length",
  "most of the errors come from a handful of malformed examples",
  "the validation loss plateaus after roughly 40k steps",
  "variance between seeds is larger than the effect we are measuring",
  "the smaller model matches the larger one on the easy half of the set",
  "warmup matters more than the peak learning rate",
  "the metric is sensitive to tokenization of numbers",
  "we are bottlenecked on data loading, not on the GPU",
  "calibration degrades sharply out of distribution",
  "the baseline was under-tuned in the original paper",
  "results reproduce within the reported error bars",
};

static const char * const next_steps[] = {
  "I suggest we run a sweep over the two most sensitive hyperparameters.",
  "Next we should add a stronger baseline before drawing conclusions.",
  "We should write this up as a short internal note.",
  "Let's freeze the configuration and rerun on the full dataset.",
  "A bootstrap estimate of the confidence interval would settle it.",
  "We need to inspect the outliers by hand before the next run.",
  "I would add a control condition with shuffled labels.",
  "Let's ask the reviewers to double-check the evaluation script.",
};

/* How a further paragraph of an answer begins; each ends in a finding. */
static const char * const further[] = {
  "Also, %s.", "On top of that, %s.", "Separately, %s.", "One more observation: %s.",
  "Worth noting: %s.", "A second look at the logs shows that %s.",
};

static const char * const thoughts[] = {
  "The user probably wants the per-seed numbers, not just the mean.",
  "Before answering I should verify the dataset split sizes.",
  "This looks like a regression introduced by the new tokenizer.",
  "A plot would make the trend clearer than a table.",
  "The effect size is small; I should be careful with the wording.",
  "I need the latest run's logs before I can say anything definite.",
};

static const char * const activity_types[] = {
  "thinking", "speaking", "tool_use", "meeting", "idle",
};

/* A deterministic generator; GRand is Mersenne Twister and already seedable. */
typedef struct
{
  GRand *rand;
  gint64 clock;
} Gen;

static guint
pick (Gen   *gen,
      guint  n)
{
  return g_rand_int_range (gen->rand, 0, n);
}

#define PICK(gen, array) (array[pick ((gen), G_N_ELEMENTS (array))])

/* Time-ordered ids (UUID version 7: milliseconds, then random bits), as many
 * current apps make them. Rows then arrive in index order, which keeps the
 * bulk insert close to an append. */
static void
make_id (Gen    *gen,
         gint64  usec,
         char    out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint64 ms = (guint64) (usec / 1000);
  guint32 words[3];
  guint8 bytes[16];
  int o = 0;

  for (int i = 0; i < 6; i++)
    bytes[i] = (ms >> (8 * (5 - i))) & 0xff;
  for (int i = 0; i < 3; i++)
    words[i] = g_rand_int (gen->rand);
  memcpy (bytes + 6, words, 10);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[bytes[i] >> 4];
      out[o++] = hex[bytes[i] & 0xf];
    }
  out[o] = '\0';
}

static void
format_time (gint64  usec,
             char    out[LAB_TIMESTAMP_LENGTH + 1])
{
  g_autofree char *text = lab_timestamp_format (usec);

  memcpy (out, text, LAB_TIMESTAMP_LENGTH + 1);
}

static char *
make_title (Gen         *gen,
            const Theme *theme,
            guint        index)
{
  g_autofree char *method = g_strdup (theme->method);

  method[0] = g_ascii_toupper (method[0]);

  switch (pick (gen, 5))
    {
    case 0:
      return g_strdup_printf ("%s for %s", method, theme->topic);
    case 1:
      return g_strdup_printf ("%s: ablation %u", method, 1 + index % 9);
    case 2:
      return g_strdup_printf ("Revisiting %s with %s", theme->topic, theme->method);
    case 3:
      return g_strdup_printf ("%s — replication run %u", method, 1 + index % 7);
    default:
      return g_strdup_printf ("Scaling %s on %s", theme->method, theme->dataset);
    }
}

static char *
make_question (Gen         *gen,
               const Theme *theme)
{
  switch (pick (gen, 4))
    {
    case 0:
      return g_strdup_printf ("Does %s improve %s on %s, measured by %s?",
                              theme->method, theme->topic, theme->dataset, theme->metric);
    case 1:
      return g_strdup_printf ("How far can %s push %s on %s before %s stops improving?",
                              theme->method, theme->topic, theme->dataset, theme->metric);
    case 2:
      return g_strdup_printf ("Is %s a better baseline for %s than last quarter's, judging by %s "
                              "on %s?", theme->method, theme->topic, theme->metric, theme->dataset);
    default:
      return g_strdup_printf ("Can %s make %s cheaper without losing %s on %s?",
                              theme->method, theme->topic, theme->metric, theme->dataset);
    }
}

static void
make_system_note (Gen     *gen,
                  GString *out)
{
  switch (pick (gen, 4))
    {
    case 0:
      g_string_printf (out, "Checkpoint saved after step %u.", 1000 * (1 + pick (gen, 90)));
      break;
    case 1:
      g_string_printf (out, "Budget warning: %u%% of the token budget used.", 50 + pick (gen, 50));
      break;
    case 2:
      g_string_assign (out, "Experiment queue resumed after maintenance.");
      break;
    default:
      g_string_assign (out, "Context window trimmed to the most recent messages.");
      break;
    }
}

typedef struct
{
  LabDb *db;
  LabDataDir *dir;
  sqlite3_stmt *session;
  sqlite3_stmt *session_totals;
  sqlite3_stmt *message;
  sqlite3_stmt *metric;
  sqlite3_stmt *activity;
  sqlite3_stmt *meeting;
  sqlite3_stmt *snapshot;
  sqlite3_stmt *analytics;
  sqlite3_stmt *file;
  GPtrArray *session_ids;   /* for branches */
  GString *buf;
  GString *json;
  LabDemoStats *stats;
  gboolean with_files;
} Writer;

static void
writer_clear (Writer *w)
{
  g_clear_pointer (&w->session, sqlite3_finalize);
  g_clear_pointer (&w->session_totals, sqlite3_finalize);
  g_clear_pointer (&w->message, sqlite3_finalize);
  g_clear_pointer (&w->metric, sqlite3_finalize);
  g_clear_pointer (&w->activity, sqlite3_finalize);
  g_clear_pointer (&w->meeting, sqlite3_finalize);
  g_clear_pointer (&w->snapshot, sqlite3_finalize);
  g_clear_pointer (&w->analytics, sqlite3_finalize);
  g_clear_pointer (&w->file, sqlite3_finalize);
  g_clear_pointer (&w->session_ids, g_ptr_array_unref);
  if (w->buf)
    g_string_free (w->buf, TRUE);
  if (w->json)
    g_string_free (w->json, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Writer, writer_clear)

static gboolean
writer_prepare (Writer  *w,
                GError **error)
{
#define PREP(field, sql) \
  if ((w->field = lab_db_prepare (w->db, sql, error)) == NULL) \
    return FALSE

  PREP (session, "INSERT INTO sessions (id, title, research_question, status, model, provider,"
                 " participants, keywords, starred, archived, parent_session_id, branch_name,"
                 " branch_point, created_at, updated_at, last_activity_at, config, results, metadata)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  PREP (session_totals, "UPDATE sessions SET prompt_tokens = ?, completion_tokens = ?, cost = ?,"
                        " last_activity_at = ?, updated_at = ? WHERE id = ?");
  PREP (message, "INSERT INTO messages (id, session_id, sequence, created_at, role, author, content,"
                 " prompt_tokens, completion_tokens, tool_calls, metadata)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  PREP (metric, "INSERT INTO metrics (id, session_id, timestamp, cpu_usage, memory_usage,"
                " active_agents, metadata) VALUES (?,?,?,?,?,?,?)");
  PREP (activity, "INSERT INTO agent_activity (id, session_id, agent_id, timestamp, activity_type,"
                  " message, status, metadata) VALUES (?,?,?,?,?,?,?,?)");
  PREP (meeting, "INSERT INTO meetings (id, session_id, timestamp, topic, participants, agenda,"
                 " transcript, outcomes, metadata) VALUES (?,?,?,?,?,?,?,?,?)");
  PREP (snapshot, "INSERT INTO snapshots (id, session_id, timestamp, type, trigger, description,"
                  " starred, size_bytes, state_json, summary_json) VALUES (?,?,?,?,?,?,?,?,?,?)");
  PREP (analytics, "INSERT INTO analytics (id, session_id, timestamp, event_type, model,"
                   " prompt_tokens, completion_tokens, cost, duration_ms, metadata)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?)");
  PREP (file, "INSERT INTO workspace_files (session_id, path, size, sha256, modified_at)"
              " VALUES (?,?,?,?,?)");
#undef PREP

  return TRUE;
}

static gboolean
step (Writer        *w,
      sqlite3_stmt  *stmt,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return lab_db_set_error (w->db, error, rc, NULL);

  return TRUE;
}

static void
json_string_array (GString            *out,
                   const char * const *items,
                   guint               n)
{
  g_string_truncate (out, 0);
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      lab_json_append_string (out, items[i], -1);
    }
  g_string_append_c (out, ']');
}

/* Appends @template with its one "%s" replaced by @value (templates are
 * data, not printf formats). */
static void
append_filled (GString    *out,
               const char *template,
               const char *value)
{
  const char *hole = strstr (template, "%s");

  g_assert (hole != NULL);
  g_string_append_len (out, template, hole - template);
  g_string_append (out, value);
  g_string_append (out, hole + 2);
}

static void
make_user_message (Gen         *gen,
                   const Theme *theme,
                   GString     *out)
{
  const char *request = PICK (gen, user_requests);

  g_string_truncate (out, 0);
  append_filled (out, request, PICK (gen, user_objects));
  g_string_append_printf (out, " I care most about %s with %s.", theme->dataset, theme->method);
  if (pick (gen, 3) == 0)
    g_string_append_printf (out, " Keep the %s numbers from the last run for comparison.",
                            theme->metric);
}

static void
make_assistant_message (Gen         *gen,
                        const Theme *theme,
                        GString     *out)
{
  guint paragraphs = 1 + pick (gen, 3);
  double base = 40 + pick (gen, 500) / 10.0;
  double delta = ((int) pick (gen, 80) - 20) / 10.0;
  guint finding = pick (gen, G_N_ELEMENTS (findings));
  guint step = pick (gen, G_N_ELEMENTS (next_steps));

  g_string_printf (out, "With %s we reach %.1f %s on %s, against %.1f for the baseline (%+.1f). ",
                   theme->method, base + delta, theme->metric, theme->dataset, base, delta);
  g_string_append_printf (out, "Looking closer at %s, %s.", theme->topic, findings[finding]);

  /* Each paragraph says something new: findings and steps walk forward from
   * a random start instead of being drawn again. */
  for (guint i = 1; i < paragraphs; i++)
    {
      finding = (finding + 1 + pick (gen, 3)) % G_N_ELEMENTS (findings);
      step = (step + 1) % G_N_ELEMENTS (next_steps);
      g_string_append (out, "\n\n");
      append_filled (out, PICK (gen, further), findings[finding]);
      g_string_append_c (out, ' ');
      g_string_append (out, next_steps[step]);
    }

  if (pick (gen, 2) == 0)
    {
      g_string_append (out, "\n\n");
      g_string_append (out, next_steps[(step + 1) % G_N_ELEMENTS (next_steps)]);
    }
}

static gboolean
write_file (Writer      *w,
            const char  *session_id,
            const char  *relative,
            const char  *contents,
            const char  *modified_at,
            GError     **error)
{
  g_autofree char *root = lab_data_dir_get_session_workspace (w->dir, session_id);
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *sha = NULL;
  gsize len = strlen (contents);

  if (!lab_mkdir_private (parent, error))
    return FALSE;

  if (!g_file_set_contents_full (path, contents, len, G_FILE_SET_CONTENTS_NONE, 0600, error))
    return FALSE;

  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);

  sqlite3_bind_text (w->file, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->file, 2, relative, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (w->file, 3, len);
  sqlite3_bind_text (w->file, 4, sha, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->file, 5, modified_at, -1, SQLITE_STATIC);
  if (!step (w, w->file, error))
    return FALSE;

  w->stats->files++;
  return TRUE;
}

static gboolean
write_session (Writer   *w,
               Gen      *gen,
               guint     index,
               guint     n_messages,
               gint64    created,
               GError  **error)
{
  const Theme *theme;
  const char *participants[6];
  guint n_humans;
  guint n_agents;
  guint n_participants = 0;
  char id[37];
  char child_id[37];
  char ts[LAB_TIMESTAMP_LENGTH + 1];
  char last_ts[LAB_TIMESTAMP_LENGTH + 1];
  g_autofree char *title = NULL;
  g_autofree char *question = NULL;
  g_autofree char *participants_json = NULL;
  g_autofree char *keywords_json = NULL;
  g_autofree char *config = NULL;
  const char *model;
  const char *status;
  const char *parent = NULL;
  gint64 branch_point = -1;
  gint64 t = created;
  gint64 prompt_total = 0;
  gint64 completion_total = 0;
  guint keyword_count;
  gboolean starred;
  gboolean archived;
  const char *last_tool = tools[0];

  make_id (gen, created, id);
  format_time (created, ts);

  theme = &PICK (gen, themes);
  n_humans = 1 + pick (gen, 2);
  n_agents = 1 + pick (gen, 3);
  model = PICK (gen, models);
  status = PICK (gen, statuses);
  keyword_count = 2 + pick (gen, 3);
  starred = pick (gen, 12) == 0;
  archived = pick (gen, 10) == 0 && !starred;

  /* Distinct humans, then distinct agents. */
  for (guint i = 0, start = pick (gen, G_N_ELEMENTS (humans)); i < n_humans; i++)
    participants[n_participants++] = humans[(start + i * 5) % G_N_ELEMENTS (humans)];
  for (guint i = 0, start = pick (gen, G_N_ELEMENTS (agents)); i < n_agents; i++)
    participants[n_participants++] = agents[(start + i * 3) % G_N_ELEMENTS (agents)];

  json_string_array (w->json, (const char * const *) participants, n_participants);
  participants_json = g_strdup (w->json->str);
  json_string_array (w->json, theme->keywords, MIN (keyword_count, 4));
  keywords_json = g_strdup (w->json->str);

  title = make_title (gen, theme, index);
  question = make_question (gen, theme);

  /* One session in twenty branches off an earlier one: every demo store of
   * more than a few sessions has branches to show. */
  if (w->session_ids->len > 0 && index % 20 == 7)
    {
      parent = g_ptr_array_index (w->session_ids, pick (gen, w->session_ids->len));
      branch_point = 1 + pick (gen, 20);
    }

  config = g_strdup_printf ("{\"temperature\":%.1f,\"max_tokens\":%u,\"agents\":%u,\"seed\":%u}",
                            pick (gen, 11) / 10.0, 1024u << pick (gen, 3), n_agents, pick (gen, 10000));

  sqlite3_bind_text (w->session, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 2, title, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 3, question, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 4, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 5, model, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 6, PICK (gen, providers), -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 7, participants_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 8, keywords_json, -1, SQLITE_STATIC);
  sqlite3_bind_int (w->session, 9, starred);
  sqlite3_bind_int (w->session, 10, archived);
  if (parent != NULL)
    {
      g_autofree char *branch = g_strdup_printf ("branch-%u", 1 + pick (gen, 4));

      sqlite3_bind_text (w->session, 11, parent, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->session, 12, branch, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (w->session, 13, branch_point);
    }
  else
    {
      sqlite3_bind_null (w->session, 11);
      sqlite3_bind_text (w->session, 12, "main", -1, SQLITE_STATIC);
      sqlite3_bind_null (w->session, 13);
    }
  sqlite3_bind_text (w->session, 14, ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 15, ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 16, ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session, 17, config, -1, SQLITE_STATIC);
  if (g_str_equal (status, "completed"))
    {
      g_autofree char *results = g_strdup_printf ("{\"%s\":%.2f,\"conclusion\":\"%s\"}",
                                                  theme->metric, 40 + pick (gen, 500) / 10.0,
                                                  PICK (gen, findings));
      sqlite3_bind_text (w->session, 18, results, -1, SQLITE_TRANSIENT);
    }
  else
    sqlite3_bind_null (w->session, 18);
  sqlite3_bind_text (w->session, 19, "{\"source\":\"demo\"}", -1, SQLITE_STATIC);

  if (!step (w, w->session, error))
    return FALSE;

  /* The chat log: a system line, then user turns answered directly, through
   * a thought, or through a tool call and its result. */
  for (guint seq = 1; seq <= n_messages; seq++)
    {
      const char *role;
      const char *author;
      gint64 prompt = 0, completion = 0;
      const char *tool_calls = NULL;
      g_autofree char *tool_json = NULL;
      guint phase = seq == 1 ? 0 : (seq - 2) % 5;

      t += (5 + pick (gen, 120)) * G_USEC_PER_SEC;
      make_id (gen, t, child_id);
      format_time (t, ts);

      if (seq == 1)
        {
          role = "system";
          author = "system";
          g_string_assign (w->buf, "Session started. Agents: ");
          for (guint a = 0; a < n_agents; a++)
            g_string_append_printf (w->buf, "%s%s", a ? ", " : "", participants[n_humans + a]);
          g_string_append_c (w->buf, '.');
        }
      else if (phase == 0)
        {
          role = "user";
          author = participants[pick (gen, n_humans)];
          make_user_message (gen, theme, w->buf);
        }
      else if (phase == 1 && pick (gen, 3) == 0)
        {
          role = "thought";
          author = participants[n_humans + pick (gen, n_agents)];
          g_string_assign (w->buf, PICK (gen, thoughts));
        }
      else if (phase == 2)
        {
          const char *tool = PICK (gen, tools);

          last_tool = tool;
          role = "tool_call";
          author = participants[n_humans + pick (gen, n_agents)];
          g_string_printf (w->buf, "Calling %s to check %s on %s.", tool, theme->metric, theme->dataset);
          tool_json = g_strdup_printf ("[{\"id\":\"call_%08x\",\"type\":\"function\",\"function\":"
                                       "{\"name\":\"%s\",\"arguments\":{\"dataset\":\"%s\","
                                       "\"metric\":\"%s\",\"seeds\":[1,2,3],\"limit\":%u}}}]",
                                       g_rand_int (gen->rand), tool, theme->dataset, theme->metric,
                                       100 * (1 + pick (gen, 10)));
          tool_calls = tool_json;
        }
      else if (phase == 3)
        {
          double v = 40 + pick (gen, 500) / 10.0;

          role = "tool_result";
          author = last_tool;
          g_string_printf (w->buf, "{\"status\":\"ok\",\"rows\":%u,\"%s\":[%.2f,%.2f,%.2f],"
                                   "\"elapsed_s\":%.1f}",
                           100 + pick (gen, 9000), theme->metric, v, v + 0.4, v - 0.3,
                           pick (gen, 900) / 10.0);
        }
      else if (phase == 4 && pick (gen, 8) == 0)
        {
          role = "system";
          author = "system";
          make_system_note (gen, w->buf);
        }
      else
        {
          role = "assistant";
          author = participants[n_humans + pick (gen, n_agents)];
          make_assistant_message (gen, theme, w->buf);
          prompt = 200 + pick (gen, 3000);
          completion = 50 + pick (gen, 800);
        }

      prompt_total += prompt;
      completion_total += completion;

      sqlite3_bind_text (w->message, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->message, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (w->message, 3, seq);
      sqlite3_bind_text (w->message, 4, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->message, 5, role, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->message, 6, author, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->message, 7, w->buf->str, w->buf->len, SQLITE_STATIC);
      sqlite3_bind_int64 (w->message, 8, prompt);
      sqlite3_bind_int64 (w->message, 9, completion);
      if (tool_calls != NULL)
        sqlite3_bind_text (w->message, 10, tool_calls, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (w->message, 10);
      if (prompt > 0)
        {
          g_autofree char *meta = g_strdup_printf ("{\"model\":\"%s\",\"latency_ms\":%u}",
                                                   model, 200 + pick (gen, 5000));
          sqlite3_bind_text (w->message, 11, meta, -1, SQLITE_TRANSIENT);
        }
      else
        sqlite3_bind_null (w->message, 11);

      if (!step (w, w->message, error))
        return FALSE;
      w->stats->messages++;
    }

  format_time (t, last_ts);

  /* Metrics, activity, a meeting, snapshots and analytics over the session. */
  for (guint i = 0, n = 3 + pick (gen, 4); i < n; i++)
    {
      make_id (gen, t, child_id);
      format_time (created + (t - created) * i / n, ts);
      sqlite3_bind_text (w->metric, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->metric, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->metric, 3, ts, -1, SQLITE_STATIC);
      sqlite3_bind_double (w->metric, 4, 5 + pick (gen, 900) / 10.0);
      sqlite3_bind_double (w->metric, 5, 10 + pick (gen, 800) / 10.0);
      sqlite3_bind_int (w->metric, 6, 1 + pick (gen, n_agents));
      sqlite3_bind_null (w->metric, 7);
      if (!step (w, w->metric, error))
        return FALSE;
    }

  for (guint i = 0, n = 4 + pick (gen, 5); i < n; i++)
    {
      const char *type = PICK (gen, activity_types);

      make_id (gen, t, child_id);
      format_time (created + (t - created) * i / n, ts);
      g_string_printf (w->buf, "%s %s", participants[n_humans + pick (gen, n_agents)],
                       g_str_equal (type, "tool_use") ? "ran an experiment" :
                       g_str_equal (type, "meeting") ? "joined the stand-up" :
                       g_str_equal (type, "speaking") ? "posted an update" :
                       g_str_equal (type, "idle") ? "is waiting for results" : "is planning the next step");
      sqlite3_bind_text (w->activity, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 3, participants[n_humans + pick (gen, n_agents)], -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 4, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 5, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 6, w->buf->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->activity, 7, i + 1 == n ? "done" : "ok", -1, SQLITE_STATIC);
      sqlite3_bind_null (w->activity, 8);
      if (!step (w, w->activity, error))
        return FALSE;
    }

  if (pick (gen, 3) == 0)
    {
      g_autofree char *agenda = g_strdup_printf ("[\"Review %s results\",\"Decide next run\"]",
                                                 theme->metric);
      g_autofree char *outcomes = g_strdup_printf ("[\"%s\"]", PICK (gen, next_steps));

      make_id (gen, t, child_id);
      format_time (created + (t - created) / 2, ts);
      g_string_printf (w->buf, "%s: %s.\n%s: Agreed; %s.", participants[0], PICK (gen, findings),
                       participants[n_humans], PICK (gen, next_steps));
      sqlite3_bind_text (w->meeting, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 3, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 4, theme->topic, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 5, participants_json, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 6, agenda, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 7, w->buf->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->meeting, 8, outcomes, -1, SQLITE_STATIC);
      sqlite3_bind_null (w->meeting, 9);
      if (!step (w, w->meeting, error))
        return FALSE;
    }

  for (guint i = 0, n = 1 + pick (gen, 2); i < n; i++)
    {
      g_autofree char *state = g_strdup_printf ("{\"messages\":%u,\"model\":\"%s\"}",
                                                n_messages * (i + 1) / n, model);
      make_id (gen, t, child_id);
      format_time (created + (t - created) * (i + 1) / n, ts);
      sqlite3_bind_text (w->snapshot, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 3, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 4, i + 1 == n ? "manual" : "auto", -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 5, "{\"reason\":\"interval\"}", -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 6, i + 1 == n ? "Before the final run" : "Periodic", -1,
                         SQLITE_STATIC);
      sqlite3_bind_int (w->snapshot, 7, pick (gen, 6) == 0);
      sqlite3_bind_int64 (w->snapshot, 8, strlen (state));
      sqlite3_bind_text (w->snapshot, 9, state, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->snapshot, 10, "{\"ok\":true}", -1, SQLITE_STATIC);
      if (!step (w, w->snapshot, error))
        return FALSE;
    }

  for (guint i = 0, n = 2 + pick (gen, 3); i < n; i++)
    {
      make_id (gen, t, child_id);
      format_time (created + (t - created) * i / n, ts);
      sqlite3_bind_text (w->analytics, 1, child_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->analytics, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->analytics, 3, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text (w->analytics, 4, i == 0 ? "session_start" : "completion", -1, SQLITE_STATIC);
      sqlite3_bind_text (w->analytics, 5, model, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (w->analytics, 6, 100 + pick (gen, 4000));
      sqlite3_bind_int64 (w->analytics, 7, 20 + pick (gen, 900));
      sqlite3_bind_double (w->analytics, 8, pick (gen, 300) / 1000.0);
      sqlite3_bind_int64 (w->analytics, 9, 100 + pick (gen, 20000));
      sqlite3_bind_null (w->analytics, 10);
      if (!step (w, w->analytics, error))
        return FALSE;
    }

  if (w->with_files)
    {
      g_autofree char *notes = g_strdup_printf ("# %s\n\n%s\n\n- %s\n- %s\n", title, question,
                                                PICK (gen, findings), PICK (gen, next_steps));
      g_autofree char *csv = g_strdup_printf ("seed,%s\n1,%.2f\n2,%.2f\n3,%.2f\n", theme->metric,
                                              40 + pick (gen, 500) / 10.0,
                                              40 + pick (gen, 500) / 10.0,
                                              40 + pick (gen, 500) / 10.0);

      if (!write_file (w, id, "notes.md", notes, last_ts, error) ||
          !write_file (w, id, "outputs/results.csv", csv, last_ts, error))
        return FALSE;

      if (pick (gen, 2) == 0)
        {
          g_autofree char *memory = g_strdup_printf ("{\"summary\":\"%s\",\"open_questions\":[\"%s\"]}\n",
                                                     PICK (gen, findings), PICK (gen, next_steps));

          if (!write_file (w, id, "agent_memory/memory.json", memory, last_ts, error))
            return FALSE;
        }
    }

  /* Totals and the last activity, now that the chat log is written. */
  sqlite3_bind_int64 (w->session_totals, 1, prompt_total);
  sqlite3_bind_int64 (w->session_totals, 2, completion_total);
  sqlite3_bind_double (w->session_totals, 3, (prompt_total * 0.5 + completion_total * 1.5) / 1e6);
  sqlite3_bind_text (w->session_totals, 4, last_ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session_totals, 5, last_ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->session_totals, 6, id, -1, SQLITE_STATIC);
  if (!step (w, w->session_totals, error))
    return FALSE;

  g_ptr_array_add (w->session_ids, g_strdup (id));
  w->stats->sessions++;
  return TRUE;
}

/**
 * lab_demo_options_init:
 *
 * Fills @options with the defaults: 200 sessions of 100 messages, seed 1,
 * workspace files on.
 */
void
lab_demo_options_init (LabDemoOptions *options)
{
  memset (options, 0, sizeof *options);
  options->n_sessions = 200;
  options->messages_per_session = 100;
  options->seed = 1;
  options->with_files = TRUE;
}

/**
 * lab_demo_generate:
 * @db: an open store; its data directory receives the workspace files
 * @stats: (out) (optional): what was written
 *
 * Adds deterministic demo sessions to the store. Fails without writing if the
 * store already holds the demo data of the same seed.
 */
gboolean
lab_demo_generate (LabDb                 *db,
                   const LabDemoOptions  *options,
                   LabDemoStats          *stats,
                   LabProgressFunc        progress,
                   gpointer               progress_data,
                   GCancellable          *cancellable,
                   GError               **error)
{
  g_auto(Writer) w = { 0 };
  LabDemoStats local_stats = { 0 };
  g_autoptr(GTimer) timer = g_timer_new ();
  Gen gen = { 0 };
  guint total_sessions;
  gint64 end_time;
  gint64 span;
  gboolean ok = FALSE;

  g_return_val_if_fail (LAB_IS_DB (db), FALSE);
  g_return_val_if_fail (lab_db_get_data_dir (db) != NULL, FALSE);

  w.db = db;
  w.dir = lab_db_get_data_dir (db);
  w.stats = stats ? stats : &local_stats;
  memset (w.stats, 0, sizeof *w.stats);
  w.session_ids = g_ptr_array_new_with_free_func (g_free);
  w.buf = g_string_sized_new (2048);
  w.json = g_string_sized_new (256);
  w.with_files = options->with_files;

  gen.rand = g_rand_new_with_seed (options->seed);
  end_time = options->end_time ? options->end_time : DEFAULT_END_TIME;
  total_sessions = options->n_sessions + (options->large_session ? 1 : 0);
  span = 365 * DAY_USEC;

  {
    g_autofree char *key = g_strdup_printf ("demo_seed_%u", options->seed);
    g_autofree char *used = lab_db_get_meta (db, key);

    if (used != NULL)
      {
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                     _("This store already holds the demo data of seed %u; choose another seed"),
                     options->seed);
        goto out;
      }
  }

  if (!writer_prepare (&w, error))
    goto out;

  /* A bigger page cache keeps the FTS segment merges in memory. Demo data can
   * be made again, so its commits need not wait for the disk: with WAL,
   * synchronous=NORMAL still never corrupts the database. */
  lab_db_exec (db, "PRAGMA cache_size = -262144", NULL);
  lab_db_exec (db, "PRAGMA synchronous = NORMAL", NULL);
  /* Each insert fires the FTS trigger inside a long transaction, so SQLite
   * keeps a statement journal for it; on disk that would triple the writes. */
  lab_db_exec (db, "PRAGMA temp_store = MEMORY", NULL);

  for (guint i = 0; i < total_sessions; i++)
    {
      guint n_messages;
      gint64 created;

      if (i % BATCH_SESSIONS == 0)
        {
          if (i > 0 && (!lab_db_end_bulk (db, error) || !lab_db_commit (db, error)))
            goto out;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto out;
          if (progress != NULL)
            progress ((double) i / total_sessions, _("Writing demo sessions"), progress_data);
          if (!lab_db_begin (db, error) || !lab_db_begin_bulk (db, error))
            goto out;
        }

      if (i == options->n_sessions)
        n_messages = options->large_session;
      else
        {
          /* Lengths vary around the average in pairs that cancel out, so the
           * total is exact. */
          guint m = options->messages_per_session;
          guint spread = m / 2;
          guint d = spread ? (guint) (((guint64) (i / 2) * 2654435761u) % (spread + 1)) : 0;

          if (i + 1 == options->n_sessions && options->n_sessions % 2 == 1)
            n_messages = m;
          else
            n_messages = (i % 2 == 0) ? m + d : m - d;
        }

      created = end_time - span + span * (gint64) i / MAX (total_sessions, 1)
                - (n_messages * G_GINT64_CONSTANT (60) * G_USEC_PER_SEC);
      if (!write_session (&w, &gen, i, n_messages, created, error))
        goto out;
    }

  if (total_sessions == 0 && (!lab_db_begin (db, error) || !lab_db_begin_bulk (db, error)))
    goto out;
  if (!lab_db_end_bulk (db, error))
    goto out;
  {
    g_autofree char *key = g_strdup_printf ("demo_seed_%u", options->seed);

    if (!lab_db_set_meta (db, key, "1", error))
      goto out;
  }
  if (!lab_db_commit (db, error))
    goto out;

  if (progress != NULL)
    progress (1.0, _("Demo data written"), progress_data);

  ok = TRUE;

out:
  if (!ok)
    {
      /* The rollback also undoes the deferred-indexing flag. */
      lab_db_rollback (db);
      lab_db_abandon_bulk (db);
    }
  lab_db_exec (db, "PRAGMA cache_size = -2000", NULL);
  lab_db_exec (db, "PRAGMA synchronous = FULL", NULL);
  lab_db_exec (db, "PRAGMA temp_store = DEFAULT", NULL);
  w.stats->seconds = g_timer_elapsed (timer, NULL);
  g_rand_free (gen.rand);
  return ok;
}
