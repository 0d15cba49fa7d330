# The tests compare the package with the tool run directly; without the tool they skip.
skip_without_tool <- function() {
  skip_if_not(doseescalation::de_tool_available(),
              "dose-escalation not found (options(doseescalation.tool=), DOSE_ESCALATION or PATH)")
}

# Runs the tool directly and returns (status, stdout file, stderr lines).
cli <- function(args) {
  out <- tempfile(); err <- tempfile()
  status <- system2(doseescalation::de_tool(), shQuote(args), stdout = out, stderr = err)
  list(status = status, out = out, err = readLines(err, warn = FALSE))
}

cli_json <- function(args) {
  r <- cli(c(args, "--format", "json"))
  stopifnot(r$status == 0)
  jsonlite::fromJSON(r$out, simplifyVector = TRUE, simplifyDataFrame = FALSE)
}

cli_csv <- function(args) {
  r <- cli(c(args, "--format", "csv"))
  stopifnot(r$status == 0)
  utils::read.csv(r$out, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "")
}

# The data frame without the package's class and attributes, for comparison with read.csv.
plain <- function(x) {
  x <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  attr(x, "json") <- NULL; attr(x, "verb") <- NULL; attr(x, "command") <- NULL
  x
}
