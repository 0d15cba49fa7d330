utils::globalVariables(".data")

# P(select each dose), and no dose, per design and scenario, from a result's tidy rows.
selection_data <- function(x) {
  if (!all(c("quantity", "value", "scenario") %in% names(x))) {
    stop("the plot needs a result of de_simulate, de_exact or de_compare", call. = FALSE)
  }
  design <- if ("design" %in% names(x)) x$design else rep("design", nrow(x))
  keep <- x$quantity %in% c("selection", "p_select_no_dose")
  if (!any(keep)) stop("this result has no selection probabilities to plot", call. = FALSE)
  dose <- ifelse(x$quantity == "p_select_no_dose", "none", x$dose_label)
  data.frame(design = design[keep], scenario = x$scenario[keep], dose = dose[keep],
             value = x$value[keep], stringsAsFactors = FALSE)
}

dose_levels <- function(d) c("none", setdiff(unique(d$dose), "none"))

plot.doseescalation_result <- function(x, scenarios = NULL, ...) {
  d <- selection_data(x)
  if (!is.null(scenarios)) {
    unknown <- setdiff(scenarios, d$scenario)
    if (length(unknown)) stop("no scenario ", unknown[1], " in this result", call. = FALSE)
    d <- d[d$scenario %in% scenarios, ]
  }
  levels <- dose_levels(d)
  designs <- unique(d$design)
  panels <- unique(d$scenario)
  old <- par(mfrow = grDevices::n2mfrow(length(panels)))
  on.exit(par(old), add = TRUE)
  for (s in panels) {
    ds <- d[d$scenario == s, ]
    m <- matrix(0, nrow = length(designs), ncol = length(levels), dimnames = list(designs, levels))
    m[cbind(match(ds$design, designs), match(ds$dose, levels))] <- ds$value
    # defaults, each of which the caller's ... replaces; the legend sits in a band above 1
    args <- utils::modifyList(list(height = m, beside = TRUE, ylim = c(0, 1.25), main = s,
                                   xlab = "selected dose", ylab = "P(select)", cex.names = 0.8,
                                   legend.text = if (length(designs) > 1L) designs else NULL,
                                   args.legend = list(x = "top", horiz = TRUE, bty = "n", cex = 0.8)),
                              list(...))
    do.call(barplot, args)
  }
  invisible(x)
}

autoplot.doseescalation_result <- function(object, ...) {
  if (!requireNamespace("ggplot2", quietly = TRUE)) stop("autoplot needs the ggplot2 package", call. = FALSE)
  d <- selection_data(object)
  d$dose <- factor(d$dose, levels = dose_levels(d))
  ggplot2::ggplot(d, ggplot2::aes(x = .data$dose, y = .data$value, fill = .data$design)) +
    ggplot2::geom_col(position = "dodge") +
    ggplot2::facet_wrap(~scenario) +
    ggplot2::labs(x = "selected dose", y = "P(select)", fill = "design")
}
