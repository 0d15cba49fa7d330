test_that("de_simulate returns the CLI's CSV and JSON for the same inputs and seed", {
  skip_without_tool()
  oc <- de_simulate(dlt = c(0.05, 0.1, 0.2), trials = 5000, seed = 7)
  args <- c("simulate", "--dlt", "0.05,0.1,0.2", "--trials", "5000", "--seed", "7")
  json <- cli_json(args)
  expect_identical(de_json(oc), json)
  expect_equal(plain(oc), cli_csv(args), ignore_attr = TRUE)
  sel <- subset(oc, quantity == "selection")
  expect_equal(sel$value, json$scenarios[[1]]$selection[-1])
  expect_equal(sel$dose_label, c("DL1", "DL2", "DL3"))
  expect_equal(sum(sel$value) + oc$value[oc$quantity == "p_select_no_dose"], 1)
  expect_equal(json$trials, 5000)
  expect_equal(json$seed, 7)
})

test_that("design options reach the tool as --set and flags", {
  skip_without_tool()
  oc <- de_simulate(dlt = c(0.05, 0.1, 0.2, 0.4), design = list(name = "boin", extrasafe = TRUE, cutoff_eli = 0.9),
                    trials = 4000, seed = 3, max_n = 24)
  json <- cli_json(c("simulate", "--dlt", "0.05,0.1,0.2,0.4", "--design", "boin", "--set", "boin.extrasafe=true",
                     "--set", "boin.cutoff_eli=0.9", "--trials", "4000", "--seed", "3", "--max-n", "24"))
  expect_identical(de_json(oc), json)
  opts <- json$designs[[1]]$options
  expect_true(opts$extrasafe)
  expect_equal(opts$cutoff_eli, 0.9)
  expect_equal(opts$max_n, 24)
  # the same options through options = list(...) and through the per-option flag
  oc2 <- de_simulate(dlt = c(0.05, 0.1, 0.2, 0.4), design = list(name = "boin", options = list(cutoff_eli = 0.9)),
                     extrasafe = TRUE, trials = 4000, seed = 3, max_n = 24)
  expect_equal(de_json(oc2)$scenarios, json$scenarios)
})

test_that("de_exact equals the CLI's exact JSON", {
  skip_without_tool()
  ex <- de_exact(dlt = c(0.05, 0.15, 0.3), design = "3+3")
  json <- cli_json(c("exact", "--dlt", "0.05,0.15,0.3", "--design", "3+3"))
  expect_identical(de_json(ex), json)
  expect_equal(json$engine, "exact")
  expect_equal(ex$value[ex$quantity == "p_correct_selection"], json$scenarios[[1]]$p_correct_selection)
  expect_equal(json$scenarios[[1]]$total_probability, 1, tolerance = 1e-12)
})

test_that("de_compare with several scenarios and a labelled design equals the CLI on the same file", {
  skip_without_tool()
  dlt <- list(low = c(0.05, 0.1, 0.2, 0.3), high = c(0.25, 0.4, 0.5, 0.6))
  designs <- list("3+3", list(name = "boin", label = "boin-safe", extrasafe = TRUE), "crm")
  cmp <- de_compare(dlt = dlt, designs = designs, trials = 3000, seed = 11)
  file <- tempfile(fileext = ".yaml")
  writeLines(jsonlite::toJSON(list(
    trial = list(name = "R scenario"),
    doses = lapply(1:4, function(d) list(label = paste0("DL", d))),
    scenarios = list(list(name = "low", dlt = dlt$low), list(name = "high", dlt = dlt$high)),
    designs = list(list(name = "3+3", label = "3+3"), list(name = "boin", label = "boin-safe", extrasafe = TRUE),
                   list(name = "crm", label = "crm"))), auto_unbox = TRUE, digits = NA), file)
  args <- c("compare", file, "--designs", "3+3,boin-safe,crm", "--trials", "3000", "--seed", "11")
  expect_identical(de_json(cmp), cli_json(args))
  expect_equal(plain(cmp), cli_csv(args), ignore_attr = TRUE)
  expect_setequal(unique(cmp$design), c("3+3", "boin-safe", "crm", "benchmark"))
  expect_setequal(unique(cmp$scenario), c("low", "high"))
  expect_true(de_json(cmp)$scenarios[[1]]$designs[[2]]$design == "boin-safe")
})

test_that("de_compare on a scenario file takes labels of the file and --set", {
  skip_without_tool()
  file <- tempfile(fileext = ".yaml")
  writeLines(c("trial:", "  name: three doses", "doses:", "  - label: low", "  - label: mid", "  - label: high",
               "designs:", "  - name: 3+3", "  - name: boin", "scenarios:", "  - name: s1", "    dlt: [0.05, 0.15, 0.35]"), file)
  cmp <- de_compare(file, designs = list("3+3", list(name = "boin", cutoff_eli = 0.9)), trials = 2000, seed = 2)
  json <- cli_json(c("compare", file, "--designs", "3+3,boin", "--set", "boin.cutoff_eli=0.9", "--trials", "2000", "--seed", "2"))
  expect_identical(de_json(cmp), json)
})

test_that("de_samplesize gives the 13-patient numbers of the CLI", {
  skip_without_tool()
  dlt <- c(0.05, 0.08, 0.12)
  ss <- de_samplesize(dlt = dlt, design = "3+3", planned_n = 13, non_evaluable = 0.1)
  json <- cli_json(c("samplesize", "--dlt", "0.05,0.08,0.12", "--design", "3+3", "--planned-n", "13", "--non-evaluable", "0.1"))
  expect_identical(de_json(ss)[names(json)], json)
  expect_equal(ss$value[ss$quantity == "p_enrolled_at_most_planned"], json$scenarios[[1]]$p_enrolled_at_most_planned)
  enrolled <- ss[ss$quantity == "enrolled_distribution", ]
  expect_equal(enrolled$value, json$scenarios[[1]]$enrolled_distribution)
  expect_equal(enrolled$n, seq_along(enrolled$value) - 1L)
  expect_equal(sum(enrolled$value[enrolled$n <= 13]), json$scenarios[[1]]$p_enrolled_at_most_planned, tolerance = 1e-12)
  expect_match(de_json(ss)$markdown, "Statistical considerations")
})

test_that("de_next equals the CLI's JSON", {
  skip_without_tool()
  nx <- de_next("1NNN 2NTN", dlt = c(0.05, 0.1, 0.2), design = "boin", cohorts_ahead = 2)
  json <- cli_json(c("next", "--dlt", "0.05,0.1,0.2", "--design", "boin", "--data", "1NNN 2NTN", "--cohorts-ahead", "2"))
  expect_identical(unclass(nx)[names(json)], json)
  expect_identical(de_json(nx), unclass(nx))
  expect_equal(nx$decision$action, "treat")
  expect_output(print(nx), nx$decision$text, fixed = TRUE)
})

test_that("de_table equals the CLI's CSV", {
  skip_without_tool()
  tb <- de_table(design = "boin", target = 0.25, max_n = 12)
  expect_equal(as.data.frame(unclass(tb))[names(tb)], cli_csv(c("table", "--design", "boin", "--target", "0.25", "--max-n", "12")),
               ignore_attr = TRUE)
  expect_equal(tb$n, c(3, 6, 9, 12))
})

test_that("de_sweep from an R list equals the CLI on the same grid", {
  skip_without_tool()
  grid <- list(doses = 3, trials = 2000, seed = 5, designs = c("3+3", "boin"),
               scenarios = list(list(name = "middle", dlt = c(0.05, 0.3, 0.5))), sample_sizes = I(12))
  sw <- de_sweep(grid)
  file <- tempfile(fileext = ".yaml")
  writeLines(jsonlite::toJSON(grid, auto_unbox = TRUE, digits = NA), file)
  r <- cli(c("sweep", file, "--out", out <- tempfile(fileext = ".csv")))
  expect_equal(r$status, 0)
  expect_equal(as.data.frame(unclass(sw))[names(sw)], utils::read.csv(out, stringsAsFactors = FALSE, check.names = FALSE, na.strings = ""),
               ignore_attr = TRUE)
  expect_equal(nrow(sw), 2)
  expect_equal(sw$max_n, c(12, 12))
})

test_that("a named scenario keeps its name (written to a scenario file)", {
  skip_without_tool()
  ex <- de_exact(dlt = list("MTD at DL2" = c(0.08, 0.2, 0.4)), design = "3+3")
  expect_equal(de_json(ex)$scenarios[[1]]$name, "MTD at DL2")
  expect_equal(unique(ex$scenario), "MTD at DL2")
  # the same numbers as the unnamed --dlt run
  expect_equal(de_json(ex)$scenarios[[1]]$selection,
               cli_json(c("exact", "--dlt", "0.08,0.2,0.4", "--design", "3+3"))$scenarios[[1]]$selection)
})

test_that("the command names the scenario file it wrote, and its text reruns it", {
  skip_without_tool()
  dlt <- list(low = c(0.05, 0.1, 0.2), high = c(0.3, 0.45, 0.6))
  ex <- de_exact(dlt = dlt, design = list(name = "boin", label = "b", cutoff_eli = 0.9))
  command <- attr(ex, "command")
  expect_identical(as.vector(command), c("dose-escalation", "exact", "scenario.yaml", "--design", "b"))
  file <- tempfile(fileext = ".yaml")
  writeLines(attr(command, "scenario.yaml"), file)
  expect_identical(de_json(ex), cli_json(c("exact", file, "--design", "b")))
  expect_equal(de_json(ex)$designs[[1]]$options$cutoff_eli, 0.9)
  expect_null(attr(attr(de_exact(dlt = c(0.05, 0.1)), "command"), "scenario.yaml"))
})
