/**
 * Spring Boot auto-configuration for the zoo: models configured under {@code mlpzoo.models} are
 * loaded at startup with bounded predictor pools (DJL predictors are not thread-safe), and reported
 * through health and Micrometer metrics when the application has them. Depends on the zoo alone,
 * not on training or interpretability.
 */
package ai.mlpzoo.spring;
