# The verbs: R values in, the tool's outputs back as data frames and lists.

# The command line that ran: a scenario file the package wrote is named scenario.yaml, and its
# text is the command's attribute "scenario.yaml" (write it out to run the command again).
command_line <- function(verb, inputs, rest, dir) {
  written <- file.path(dir, "scenario.yaml")
  text <- if (file.exists(written)) paste(readLines(written, warn = FALSE, encoding = "UTF-8"), collapse = "\n")
  command <- c("dose-escalation", verb, ifelse(inputs == written, "scenario.yaml", inputs), rest)
  if (!is.null(text)) attr(command, "scenario.yaml") <- text
  command
}

with_dir <- function(fun) {
  dir <- tempfile("doseescalation")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  fun(dir)
}

oc_verb <- function(verb, file, dlt, response, designs, multi, flags) {
  with_dir(function(dir) {
    inputs <- scenario_args(file, dlt, response, designs, multi, dir)
    flag <- flag_args(flags, verb)
    paths <- run_formats(verb, inputs, flag, c("csv", "json"), dir)
    command <- command_line(verb, inputs, flag, dir)
    new_result(read_tidy_csv(paths[["csv"]]), read_json(paths[["json"]]), verb, command)
  })
}

de_simulate <- function(file = NULL, dlt = NULL, design = NULL, ..., response = NULL) {
  oc_verb("simulate", file, dlt, response, design, FALSE, list(...))
}

de_exact <- function(file = NULL, dlt = NULL, design = NULL, ..., response = NULL) {
  oc_verb("exact", file, dlt, response, design, FALSE, list(...))
}

de_compare <- function(file = NULL, dlt = NULL, designs = NULL, ..., response = NULL) {
  oc_verb("compare", file, dlt, response, designs, TRUE, list(...))
}

de_table <- function(file = NULL, design = NULL, ...) {
  with_dir(function(dir) {
    inputs <- scenario_args(file, NULL, NULL, design, FALSE, dir)
    flag <- flag_args(list(...), "table")
    paths <- run_formats("table", inputs, flag, "csv", dir)
    table <- utils::read.csv(paths[["csv"]], stringsAsFactors = FALSE, check.names = FALSE)
    structure(table, command = command_line("table", inputs, flag, dir))
  })
}

# samplesize writes JSON (and Markdown); its table here is tidy in the CSV schema's columns:
# one row per scenario and quantity, per-dose rows with dose_index, distributions with n.
samplesize_table <- function(json) {
  rows <- list()
  add <- function(scenario, quantity, value, se = NA_real_, dose_index = NA_integer_, n = NA_integer_) {
    rows[[length(rows) + 1L]] <<- data.frame(scenario = scenario, dose_index = dose_index,
      quantity = quantity, n = n, value = as.numeric(value), se = as.numeric(se), stringsAsFactors = FALSE)
  }
  for (s in json$scenarios) {
    for (q in names(s)) {
      v <- s[[q]]
      if (endsWith(q, "_se") || is.null(v) || is.list(v) || is.character(v) || is.logical(v)) next
      se <- s[[paste0(q, "_se")]]
      if (q %in% c("evaluable_distribution", "enrolled_distribution")) {
        add(s$name, q, v, n = seq_along(v) - 1L)
      } else if (q == "selection") {
        add(s$name, q, v, if (is.null(se)) NA_real_ else se, dose_index = seq_along(v) - 1L)
      } else if (length(v) > 1L) {
        add(s$name, q, v, if (is.null(se)) NA_real_ else se, dose_index = seq_along(v))
      } else {
        add(s$name, q, v, if (is.null(se)) NA_real_ else se)
      }
    }
    for (q in c("evaluable_quantiles", "enrolled_quantiles")) {
      quant <- s[[q]]
      if (!is.null(quant)) add(s$name, paste0(q, "_", names(quant)), unlist(quant))
    }
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

de_samplesize <- function(file = NULL, dlt = NULL, design = NULL, ..., response = NULL) {
  with_dir(function(dir) {
    inputs <- scenario_args(file, dlt, response, design, FALSE, dir)
    flag <- flag_args(list(...), "samplesize")
    paths <- run_formats("samplesize", inputs, flag, c("json", "md"), dir)
    json <- read_json(paths[["json"]])
    json$markdown <- paste(readLines(paths[["md"]], warn = FALSE, encoding = "UTF-8"), collapse = "\n")
    new_result(samplesize_table(json), json, "samplesize", command_line("samplesize", inputs, flag, dir))
  })
}

de_next <- function(data, file = NULL, dlt = NULL, design = NULL, ..., response = NULL) {
  if (missing(data) || !is.character(data) || length(data) != 1L || is.na(data)) {
    stop("data: the observed data as one string in outcome notation (\"1NNN 2NTN\", \"\" before the first cohort) or a path to a patient file", call. = FALSE)
  }
  with_dir(function(dir) {
    inputs <- scenario_args(file, dlt, response, design, FALSE, dir)
    flag <- flag_args(list(...), "next")
    paths <- run_formats("next", inputs, c("--data", data, flag), "json", dir)
    structure(read_json(paths[["json"]]), class = "doseescalation_next",
              command = command_line("next", inputs, c("--data", data, flag), dir))
  })
}

print.doseescalation_next <- function(x, ...) {
  cat("Next: ", x$decision$text, "\n", sep = "")
  if (!is.null(x$reason)) cat("Why: ", paste(unlist(x$reason), collapse = " "), "\n", sep = "")
  if (!is.null(x$final$text)) cat("Final: ", paste(unlist(x$final$text), collapse = " "), "\n", sep = "")
  invisible(x)
}

de_sweep <- function(grid, ...) {
  if (missing(grid)) stop("grid: a path to a sweep grid (YAML) or a list with its fields", call. = FALSE)
  with_dir(function(dir) {
    if (is.list(grid)) {
      path <- file.path(dir, "grid.yaml")
      writeLines(jsonlite::toJSON(grid, auto_unbox = TRUE, digits = NA, null = "null"), path)
    } else if (is.character(grid) && length(grid) == 1L && file.exists(grid)) {
      path <- grid
    } else {
      stop("grid: a path to an existing sweep grid (YAML) or a list with its fields", call. = FALSE)
    }
    flag <- flag_args(list(...), "sweep")
    out <- file.path(dir, "sweep.csv")
    run_tool(c("sweep", path, "--format", "csv", "--out", out, flag))
    table <- utils::read.csv(out, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "")
    command <- c("dose-escalation", "sweep", if (is.list(grid)) "grid.yaml" else path, flag)
    if (is.list(grid)) attr(command, "grid.yaml") <- paste(readLines(path, warn = FALSE), collapse = "\n")
    structure(table, command = command)
  })
}
