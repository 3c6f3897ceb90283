/**
 * The example REST service (Spring Boot, on the starter): predict with an image or a tensor, SAE
 * features of an activation vector, and the list of served models. Inputs are validated at the edge
 * (size limits, image headers) and every failure is a JSON error, never a stack trace.
 */
package ai.mlpzoo.service;
