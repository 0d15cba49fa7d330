# Finding the tool, turning R values into its command line, and running it.

#' @noRd
tool_candidate <- function() {
  opt <- getOption("doseescalation.tool")
  if (!is.null(opt)) {
    if (!is.character(opt) || length(opt) != 1L || !nzchar(opt)) {
      stop("options(doseescalation.tool=) must be one path to the dose-escalation tool", call. = FALSE)
    }
    return(list(path = opt, source = "options(doseescalation.tool=)"))
  }
  env <- Sys.getenv("DOSE_ESCALATION", "")
  if (nzchar(env)) return(list(path = env, source = "the environment variable DOSE_ESCALATION"))
  on_path <- unname(Sys.which("dose-escalation"))
  if (nzchar(on_path)) return(list(path = on_path, source = "PATH"))
  NULL
}

de_tool <- function() {
  found <- tool_candidate()
  if (is.null(found)) {
    stop("dose-escalation not found: set options(doseescalation.tool = \"/path/to/dose-escalation\"), ",
         "the environment variable DOSE_ESCALATION, or put the tool on PATH ",
         "(dotnet tool install --global DoseEscalation.Cli)", call. = FALSE)
  }
  if (!file.exists(found$path) || dir.exists(found$path)) {
    stop("dose-escalation not found at ", found$path, " (given by ", found$source, ")", call. = FALSE)
  }
  normalizePath(found$path)
}

de_tool_available <- function() {
  found <- tool_candidate()
  !is.null(found) && file.exists(found$path) && !dir.exists(found$path)
}

# One value on the command line: numbers with 15 significant digits (R's as.character),
# logicals as true/false, vectors comma-separated.
format_value <- function(value, what) {
  if (is.list(value) || is.null(value) || length(value) == 0L) {
    stop(what, ": a value must be a number, a string or a logical (or a vector of them)", call. = FALSE)
  }
  if (anyNA(value)) stop(what, ": NA is not a value", call. = FALSE)
  if (is.logical(value)) value <- ifelse(value, "true", "false")
  else if (is.numeric(value)) value <- as.character(value)
  else if (is.factor(value)) value <- as.character(value)
  else if (!is.character(value)) stop(what, ": unsupported value of class ", class(value)[1], call. = FALSE)
  paste(value, collapse = ",")
}

# The flags the package sets itself: a user value for them would be overridden.
reserved_flags <- c("format", "out", "quiet", "help", "version", "shard", "shard_count", "duration_charts")

# `...` of a verb: name = value becomes --name value (underscores become dashes); TRUE becomes
# --name, FALSE --no-name; `set` takes a character vector, one --set per element.
flag_args <- function(flags, verb) {
  if (length(flags) == 0L) return(character())
  nms <- names(flags)
  if (is.null(nms) || any(!nzchar(nms))) {
    stop("every argument after the named ones must be named: a flag of dose-escalation ", verb,
         " (see dose-escalation ", verb, " --help)", call. = FALSE)
  }
  if (anyDuplicated(nms)) stop("argument ", nms[anyDuplicated(nms)], " is given twice", call. = FALSE)
  args <- character()
  for (i in seq_along(flags)) {
    name <- nms[i]
    value <- flags[[i]]
    if (name %in% reserved_flags) {
      stop("argument ", name, " is set by the doseescalation package and cannot be given", call. = FALSE)
    }
    if (is.null(value)) next  # NULL is R's "not given": the tool's default
    flag <- paste0("--", gsub("_", "-", name, fixed = TRUE))
    if (name == "set") {
      if (!is.character(value) || anyNA(value)) stop("set: a character vector of LABEL.OPTION=VALUE", call. = FALSE)
      for (s in value) args <- c(args, "--set", s)
    } else if (is.logical(value) && length(value) == 1L && !is.na(value)) {
      args <- c(args, if (value) flag else paste0("--no-", substring(flag, 3L)))
    } else {
      args <- c(args, flag, format_value(value, name))
    }
  }
  args
}

# A design: "boin", or list(name = "boin", label = "boin-safe", extrasafe = TRUE) (the scenario
# file's form), or list(name = "boin", options = list(extrasafe = TRUE)).
normalize_design <- function(d) {
  if (is.character(d) && length(d) == 1L && !is.na(d)) return(list(name = d, label = d, options = list()))
  if (!is.list(d) || is.null(d$name) || !is.character(d$name) || length(d$name) != 1L) {
    stop("a design is a name (\"boin\") or a list with a name: list(name = \"boin\", extrasafe = TRUE)", call. = FALSE)
  }
  nms <- names(d)
  if (is.null(nms) || any(!nzchar(nms))) stop("design ", d$name, ": every element must be named", call. = FALSE)
  opts <- d[setdiff(nms, c("name", "label", "options"))]
  if (!is.null(d$options)) {
    if (!is.list(d$options) || (length(d$options) && (is.null(names(d$options)) || any(!nzchar(names(d$options)))))) {
      stop("design ", d$name, ": options must be a named list", call. = FALSE)
    }
    dup <- intersect(names(opts), names(d$options))
    if (length(dup)) stop("design ", d$name, ": option ", dup[1], " is given twice", call. = FALSE)
    opts <- c(opts, d$options)
  }
  label <- if (is.null(d$label)) d$name else d$label
  if (!is.character(label) || length(label) != 1L) stop("design ", d$name, ": label must be one string", call. = FALSE)
  list(name = d$name, label = label, options = opts)
}

normalize_designs <- function(designs) {
  if (is.null(designs)) return(NULL)
  if (is.character(designs)) designs <- as.list(designs)
  else if (is.list(designs) && !is.null(designs$name)) designs <- list(designs)
  if (!is.list(designs) || length(designs) == 0L) stop("designs: a character vector or a list of designs", call. = FALSE)
  lapply(designs, normalize_design)
}

# Scenarios: a numeric vector (one scenario) or a named list of them.
normalize_scenarios <- function(x, what) {
  if (is.null(x)) return(NULL)
  if (is.numeric(x)) return(list(x))
  if (!is.list(x) || length(x) == 0L || !all(vapply(x, is.numeric, TRUE))) {
    stop(what, ": a numeric vector, or a named list of numeric vectors (one per scenario)", call. = FALSE)
  }
  if (length(x) > 1L && (is.null(names(x)) || any(!nzchar(names(x))) || anyDuplicated(names(x)))) {
    stop(what, ": several scenarios need distinct names: list(low = c(...), high = c(...))", call. = FALSE)
  }
  x
}

# The scenario file written from R values (JSON, which the tool reads as YAML) when the command
# line cannot say it: several scenarios, or a design with a label of its own.
write_scenario_file <- function(dlt, response, designs, dir) {
  k <- length(dlt[[1]])
  if (any(lengths(dlt) != k)) stop("dlt: every scenario needs the same number of doses", call. = FALSE)
  if (!is.null(response)) {
    if (length(response) != length(dlt)) stop("response: one vector per dlt scenario", call. = FALSE)
    if (any(lengths(response) != k)) stop("response: as many probabilities as doses", call. = FALSE)
  }
  nms <- names(dlt)
  if (is.null(nms)) nms <- if (length(dlt) == 1L) "command-line" else stop("dlt: name the scenarios", call. = FALSE)
  scenarios <- lapply(seq_along(dlt), function(i) {
    s <- list(name = nms[i], dlt = I(unname(dlt[[i]])))
    if (!is.null(response)) s$response <- I(unname(response[[i]]))
    s
  })
  file <- list(trial = list(name = "R scenario"),
               doses = lapply(seq_len(k), function(d) list(label = paste0("DL", d))),
               scenarios = scenarios)
  if (!is.null(designs)) {
    file$designs <- lapply(designs, function(d) {
      opts <- lapply(d$options, function(v) if (is.numeric(v) && length(v) > 1L) I(v) else v)
      c(list(name = d$name, label = d$label), opts)
    })
  }
  path <- file.path(dir, "scenario.yaml")
  writeLines(jsonlite::toJSON(file, auto_unbox = TRUE, digits = NA, null = "null"), path)
  path
}

# The command line of a verb's inputs: the scenario file (given or written), --dlt/--response,
# the design(s) with --set for their options, then the flags.
scenario_args <- function(file, dlt, response, designs, multi, dir) {
  dlt <- normalize_scenarios(dlt, "dlt")
  response <- normalize_scenarios(response, "response")
  designs <- normalize_designs(designs)
  if (!is.null(designs) && !multi && length(designs) != 1L) stop("design: one design (compare takes several)", call. = FALSE)
  if (!is.null(response) && is.null(dlt)) stop("response needs dlt", call. = FALSE)
  if (!is.null(file)) {
    if (!is.character(file) || length(file) != 1L) stop("file: one path to a scenario file", call. = FALSE)
    if (!file.exists(file)) stop("file ", file, " does not exist", call. = FALSE)
  }
  labelled <- !is.null(designs) && any(vapply(designs, function(d) d$label != d$name, TRUE))
  named <- !is.null(dlt) && !is.null(names(dlt))
  if (!is.null(file) && named) {
    stop("dlt: named scenarios need no file (with a file, dlt is one unnamed vector, the tool's --dlt)", call. = FALSE)
  }
  args <- character()
  if (is.null(file) && named || is.null(file) && !is.null(dlt) && labelled) {
    args <- write_scenario_file(dlt, response, designs, dir)
    return(c(args, if (!is.null(designs)) c(if (multi) "--designs" else "--design",
                                            paste(vapply(designs, `[[`, "", "label"), collapse = ","))))
  }
  if (labelled && is.null(file)) stop("a design label needs dlt or a scenario file", call. = FALSE)
  if (!is.null(file)) args <- file
  if (!is.null(dlt)) {
    args <- c(args, "--dlt", format_value(dlt[[1]], "dlt"))
    if (!is.null(response)) args <- c(args, "--response", format_value(response[[1]], "response"))
  }
  if (!is.null(designs)) {
    args <- c(args, if (multi) "--designs" else "--design",
              paste(vapply(designs, `[[`, "", "label"), collapse = ","))
    for (d in designs) {
      for (o in names(d$options)) {
        args <- c(args, "--set", paste0(d$label, ".", o, "=", format_value(d$options[[o]], paste0(d$label, ".", o))))
      }
    }
  }
  args
}

# Runs the tool; its one-line error becomes an R error (class doseescalation_error), its
# warnings R warnings. Returns the paths of the files written.
run_tool <- function(args, relay = TRUE) {
  tool <- de_tool()
  err <- tempfile("dose-escalation-stderr")
  out <- tempfile("dose-escalation-stdout")
  on.exit(unlink(c(err, out)), add = TRUE)
  status <- system2(tool, shQuote(args), stdout = out, stderr = err)
  messages <- if (file.exists(err)) readLines(err, warn = FALSE, encoding = "UTF-8") else character()
  messages <- messages[nzchar(trimws(messages))]
  if (!identical(as.integer(status), 0L)) {
    text <- if (length(messages)) paste(messages, collapse = "\n") else
      paste0("dose-escalation exited with status ", status, " and no message")
    stop(structure(class = c("doseescalation_error", "error", "condition"),
                   list(message = text, call = NULL, status = as.integer(status))))
  }
  if (relay) for (m in messages) warning(m, call. = FALSE)
  invisible(status)
}

# Runs a verb once per format (the same inputs and seed, so the same numbers; the tool's warnings
# are relayed once); returns the outputs' paths.
run_formats <- function(verb, inputs, flags, formats, dir) {
  paths <- character()
  for (f in formats) {
    path <- file.path(dir, paste0("out.", f))
    run_tool(c(verb, inputs, "--format", f, "--out", path, flags), relay = length(paths) == 0L)
    paths[f] <- path
  }
  paths
}

read_tidy_csv <- function(path) {
  utils::read.csv(path, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "",
                  colClasses = c(design = "character", scenario = "character", dose_label = "character",
                                 quantity = "character", version = "character", design_options = "character"))
}

read_json <- function(path) jsonlite::fromJSON(path, simplifyVector = TRUE, simplifyDataFrame = FALSE)

new_result <- function(table, json, verb, command) {
  structure(table, class = c("doseescalation_result", "data.frame"),
            json = json, verb = verb, command = command)
}

de_json <- function(x) {
  j <- attr(x, "json")
  if (is.null(j)) {
    if (inherits(x, "doseescalation_next")) return(unclass(x))
    stop("x is not a doseescalation result with the tool's JSON", call. = FALSE)
  }
  j
}
