test_that("plot draws one panel per scenario from the selection rows", {
  skip_without_tool()
  cmp <- de_compare(dlt = list(a = c(0.05, 0.1, 0.3), b = c(0.3, 0.5, 0.6)), designs = c("3+3", "boin"),
                    trials = 2000, seed = 1)
  file <- tempfile(fileext = ".pdf")
  grDevices::pdf(file)
  expect_identical(plot(cmp), cmp)
  expect_error(plot(cmp, scenarios = "zzz"), "no scenario zzz")
  grDevices::dev.off()
  expect_gt(file.size(file), 1000)
  d <- doseescalation:::selection_data(cmp)
  expect_equal(nrow(d), 2 * 2 * 4)
  expect_equal(sum(d$value[d$design == "boin" & d$scenario == "a"]), 1)
})

test_that("autoplot gives a ggplot with the same data", {
  skip_without_tool()
  skip_if_not_installed("ggplot2")
  ex <- de_exact(dlt = c(0.05, 0.1, 0.3))
  p <- ggplot2::autoplot(ex)
  expect_s3_class(p, "ggplot")
  expect_equal(sort(p$data$value), sort(ex$value[ex$quantity %in% c("selection", "p_select_no_dose")]))
})
